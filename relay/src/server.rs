//! Starting, running and stopping the relay.

use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::serve::ListenerExt as _;
use futures::StreamExt;
use samod::storage::TokioFilesystemStorage;
use samod::{AcceptorEvent, AcceptorHandle, Repo, ShareConfig, Url};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::access::Access;
use crate::config::Config;
use crate::gate::{Shared, disk_usage};
use crate::journal::Journal;
use crate::routes::{self, AppState, SYNC_PATH};
use crate::tls::Tls;

/// How long open HTTP connections may take to finish once shutdown starts.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// What the relay grants every connected peer for every document.
///
/// Read-write, but without announcing: the relay answers for a document only
/// to peers that name its id (or that sync it to the relay), so one relay can
/// serve many registers without pushing one unit's register to another's
/// members. This is the policy of the reference automerge-repo sync server.
const SHARE_POLICY: ShareConfig = ShareConfig::read_write().with_announce(false);

/// Why the relay could not start or did not stop cleanly.
#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    /// The storage folder cannot be created or written.
    #[error("cannot use the data folder {path}: {source}")]
    DataDir {
        /// The folder given with `--data`.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: io::Error,
    },
    /// The listening socket cannot be opened.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address given with `--addr`.
        addr: SocketAddr,
        /// The underlying I/O error.
        #[source]
        source: io::Error,
    },
    /// The HTTP server stopped with an error.
    #[error("the HTTP server failed: {0}")]
    Serve(#[source] io::Error),
    /// The HTTP server stopped although nobody asked it to.
    #[error("the HTTP server stopped unexpectedly")]
    ServerExited,
    /// The HTTP server task panicked or was cancelled.
    #[error("the HTTP server task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
    /// The samod repo stopped while the relay was starting.
    #[error("the sync repository stopped while the relay was starting")]
    RepoStopped,
    /// The TLS certificate or key cannot be used.
    #[error(transparent)]
    Tls(#[from] crate::tls::TlsError),
}

/// A running relay: HTTP server, web app, and samod repo with filesystem storage.
///
/// Dropping it aborts the HTTP server without flushing; call
/// [`Relay::shutdown`] to stop cleanly.
pub struct Relay {
    local_addr: SocketAddr,
    repo: Repo,
    shutdown: Option<oneshot::Sender<()>>,
    server: JoinHandle<io::Result<()>>,
    connection_log: JoinHandle<()>,
    bookkeeping: JoinHandle<()>,
    shared: Arc<Shared>,
    data: PathBuf,
    /// Rereads the certificate while the relay runs.
    _tls: Option<Tls>,
}

impl Relay {
    /// Opens storage, binds `config.addr` and starts serving in the background.
    ///
    /// Use port 0 to let the system choose a free port, then read it from
    /// [`Relay::local_addr`].
    pub async fn start(config: Config) -> Result<Self, RelayError> {
        check_data_dir(&config.data).await?;
        let journal = Journal::new(&config.data);
        let data_error = |source| RelayError::DataDir { path: config.data.clone(), source };
        let replayed = journal.replay(&config.data).map_err(data_error)?;
        if replayed > 0 {
            tracing::info!(documents = replayed, "recovered journaled changes after an unclean stop");
        }
        let locked = crate::admin::lock_unclaimed(&config.data).map_err(data_error)?;
        if locked > 0 {
            tracing::warn!(
                documents = locked,
                "locked stored documents that had no secret; `qingfeng-relay revoke <id>` gives one a secret"
            );
        }
        let tls = config.tls.as_ref().map(Tls::new).transpose()?;
        let listener =
            TcpListener::bind(config.addr).await.map_err(|source| RelayError::Bind { addr: config.addr, source })?;
        let local_addr = listener.local_addr().map_err(|source| RelayError::Bind { addr: config.addr, source })?;

        let repo = Repo::build_tokio()
            .with_storage(TokioFilesystemStorage::new(&config.data))
            .with_share_policy(SHARE_POLICY)
            .load()
            .await;
        let url = Url::parse(&format!("ws://{local_addr}{SYNC_PATH}")).expect("a socket address makes a valid URL");
        let acceptor = repo.make_acceptor(url).map_err(|_| RelayError::RepoStopped)?;
        let connection_log = tokio::spawn(log_connections(acceptor.clone()));
        let shared = Arc::new(Shared {
            access: Access::new(&config.data),
            journal,
            limits: config.limits.clone(),
            relay_peer: repo.peer_id().to_string(),
            storage_used: AtomicU64::new(disk_usage(&config.data)),
            peers: Mutex::default(),
            replaced: tokio::sync::broadcast::channel(64).0,
            open: Mutex::default(),
            claims: Mutex::default(),
        });
        let bookkeeping = tokio::spawn(keep_books(shared.clone(), config.data.clone()));

        let app_built = config.dist.join("index.html").is_file();
        let app = routes::router(AppState {
            acceptor,
            dist: Arc::new(config.dist.clone()),
            token: config.token.as_deref().map(Arc::from),
            shared: shared.clone(),
            allowed_origins: Arc::new(config.allowed_origins.clone()),
            tls: tls.is_some(),
        });
        let (shutdown, shutdown_requested) = oneshot::channel::<()>();
        let stopped = async {
            let _ = shutdown_requested.await;
        };
        let server = match &tls {
            None => tokio::spawn(
                axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
                    .with_graceful_shutdown(stopped)
                    .into_future(),
            ),
            // `tap_io` gives the TLS listener the peer's address as connect info, as a plain
            // listener has it (the per-address limits need it).
            Some(tls) => {
                let listener = tls.listen(listener).map_err(|source| RelayError::Bind { addr: config.addr, source })?;
                tokio::spawn(
                    axum::serve(listener.tap_io(|_| ()), app.into_make_service_with_connect_info::<SocketAddr>())
                        .with_graceful_shutdown(stopped)
                        .into_future(),
                )
            }
        };
        let scheme = if tls.is_some() { ("https", "wss") } else { ("http", "ws") };

        tracing::info!(
            addr = %local_addr,
            peer_id = %repo.peer_id(),
            data = %config.data.display(),
            dist = %config.dist.display(),
            token_required = config.token.is_some(),
            "relay listening: app at {}://{local_addr}/, sync at {}://{local_addr}{SYNC_PATH}",
            scheme.0,
            scheme.1
        );
        if !app_built {
            tracing::warn!(
                dist = %config.dist.display(),
                "the web app is not built (no index.html); pages answer 503 until it is"
            );
        }
        Ok(Self {
            local_addr,
            repo,
            shutdown: Some(shutdown),
            server,
            connection_log,
            bookkeeping,
            shared,
            data: config.data,
            _tls: tls,
        })
    }

    /// The address the relay actually listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The samod repo behind `/sync`.
    pub fn repo(&self) -> &Repo {
        &self.repo
    }

    /// Stops accepting, closes sync connections, flushes storage, and waits
    /// (up to a few seconds) for open HTTP requests to finish.
    pub async fn shutdown(mut self) -> Result<(), RelayError> {
        tracing::info!("relay shutting down");
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        self.stop_repo().await;
        let result = match tokio::time::timeout(SHUTDOWN_GRACE, &mut self.server).await {
            Ok(joined) => joined?.map_err(RelayError::Serve),
            Err(_) => {
                tracing::warn!("HTTP connections still open after {SHUTDOWN_GRACE:?}; closing them");
                self.server.abort();
                Ok(())
            }
        };
        tracing::info!("relay stopped");
        result
    }

    /// Stops samod (it writes what it holds), flushes its files and retires the journals.
    async fn stop_repo(&self) {
        self.repo.stop().await;
        self.bookkeeping.abort();
        if let Err(error) = self.shared.journal.retire(&self.data) {
            tracing::error!(%error, "cannot flush the stored documents; the journals stay for the next start");
        }
    }

    /// Serves until Ctrl-C or SIGTERM, then shuts down cleanly.
    pub async fn serve_until_signal(mut self) -> Result<(), RelayError> {
        enum Ended {
            Signal,
            Server(Result<io::Result<()>, tokio::task::JoinError>),
        }
        let ended = tokio::select! {
            () = shutdown_signal() => Ended::Signal,
            joined = &mut self.server => Ended::Server(joined),
        };
        match ended {
            Ended::Signal => self.shutdown().await,
            Ended::Server(joined) => {
                self.stop_repo().await;
                joined?.map_err(RelayError::Serve)?;
                Err(RelayError::ServerExited)
            }
        }
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.server.abort();
        self.connection_log.abort();
        self.bookkeeping.abort();
    }
}

/// Starts the relay and serves until Ctrl-C or SIGTERM.
pub async fn run(config: Config) -> Result<(), RelayError> {
    Relay::start(config).await?.serve_until_signal().await
}

/// Creates the storage folder and proves it is writable: samod's filesystem
/// storage ignores write errors, so a read-only folder would lose data silently.
async fn check_data_dir(path: &Path) -> Result<(), RelayError> {
    let error = |source| RelayError::DataDir { path: path.to_path_buf(), source };
    tokio::fs::create_dir_all(path).await.map_err(error)?;
    let probe = path.join(format!(".qingfeng-relay-write-check-{}", std::process::id()));
    tokio::fs::write(&probe, b"ok").await.map_err(error)?;
    tokio::fs::remove_file(&probe).await.map_err(error)
}

/// The relay's background work: the counts it keeps, and the claims it watches.
async fn keep_books(shared: Arc<Shared>, data: PathBuf) {
    tokio::join!(count(shared.clone(), data), watch_claims(shared));
}

/// Every few seconds: writes the peer counts for `qingfeng-relay documents`; every minute,
/// recounts the bytes under `--data` for the storage limit.
async fn count(shared: Arc<Shared>, data: PathBuf) {
    let mut tick = tokio::time::interval(Duration::from_secs(5));
    for round in 0u64.. {
        tick.tick().await;
        let peers = shared.peers.lock().expect("peer counts").clone();
        if let Err(error) = crate::admin::write_peers(&data, &peers) {
            tracing::warn!(%error, "cannot write the peer counts");
        }
        if round % 12 == 11 {
            let dir = data.clone();
            if let Ok(used) = tokio::task::spawn_blocking(move || disk_usage(&dir)).await {
                shared.storage_used.store(used, Ordering::Relaxed);
            }
        }
    }
}

/// How often the claims are looked at for changes made by another process.
const CLAIMS_EVERY: Duration = Duration::from_secs(3);

/// Finds claims changed outside this process (`qingfeng-relay revoke` locks a register while the
/// relay runs) and tells the connections, as a member's replacement does: one look at the claims
/// folder every few seconds, instead of every connection reading its documents' claims.
async fn watch_claims(shared: Arc<Shared>) {
    let mut tick = tokio::time::interval(CLAIMS_EVERY);
    let mut known: Option<std::collections::HashMap<String, std::time::SystemTime>> = None;
    loop {
        tick.tick().await;
        let reader = shared.clone();
        let Ok(now) = tokio::task::spawn_blocking(move || reader.access.stamps()).await else { continue };
        // Claims written since the last look (a new one too: it may have been locked at once)
        // and claims gone.
        if let Some(before) = &known {
            let changed = now.iter().filter(|(document, stamp)| before.get(*document) != Some(*stamp)).map(|(d, _)| d);
            let gone = before.keys().filter(|document| !now.contains_key(*document));
            for document in changed.chain(gone) {
                let _ = shared.replaced.send(document.clone());
            }
        }
        known = Some(now);
    }
}

async fn log_connections(acceptor: AcceptorHandle) {
    let mut events = acceptor.events();
    while let Some(event) = events.next().await {
        match event {
            AcceptorEvent::ClientConnected { peer_info, connection_id } => {
                tracing::info!(peer = %peer_info.peer_id, ?connection_id, "peer connected")
            }
            AcceptorEvent::ClientDisconnected { connection_id, reason } => {
                tracing::info!(?connection_id, %reason, "peer disconnected")
            }
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
