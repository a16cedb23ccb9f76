//! TLS served by the relay itself: `https://` for the app and `wss://` for sync, from PEM files
//! (`--tls-cert`, `--tls-key`) that are read again when they change, so a renewed certificate
//! needs no restart. rustls with the ring provider; TLS 1.2 and 1.3.
//!
//! Handshakes run beside the accept loop, each at most [`HANDSHAKE_LIMIT`] and at most
//! [`HANDSHAKES_AT_ONCE`] at a time, so a client that opens a socket and says nothing holds up
//! nobody else.

use std::io;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime};

use rustls::ServerConfig;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

use crate::config::TlsFiles;

/// The longest a client may take to finish its handshake.
const HANDSHAKE_LIMIT: Duration = Duration::from_secs(10);
/// Handshakes under way at once; a connection beyond them is closed at once.
const HANDSHAKES_AT_ONCE: usize = 256;
/// How often the PEM files are checked for a change.
const RELOAD_EVERY: Duration = Duration::from_secs(60);

/// Why the certificate or key cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("cannot use the TLS {what} {path}: {reason}")]
pub struct TlsError {
    what: &'static str,
    path: String,
    reason: String,
}

/// ring, not aws-lc-rs: aws-lc-rs needs cmake and minutes of C building on a 2-core machine.
/// rustls marks ring's provider deprecated as it has no post-quantum key exchange; the classic
/// X25519 and P-256 it offers are what browsers use with a server that lacks it.
#[allow(deprecated)]
fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The certificate chain and key of `files`, checked to belong together.
fn load(files: &TlsFiles) -> Result<Arc<CertifiedKey>, TlsError> {
    let fail = |what, path: &Path, reason: String| TlsError { what, path: path.display().to_string(), reason };
    let certs = CertificateDer::pem_file_iter(&files.cert)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| fail("certificate", &files.cert, e.to_string()))?;
    if certs.is_empty() {
        return Err(fail("certificate", &files.cert, "no CERTIFICATE block in the file".into()));
    }
    let key = PrivateKeyDer::from_pem_file(&files.key).map_err(|e| fail("key", &files.key, e.to_string()))?;
    let certified =
        CertifiedKey::from_der(certs, key, &provider()).map_err(|e| fail("key", &files.key, e.to_string()))?;
    Ok(Arc::new(certified))
}

fn modified(files: &TlsFiles) -> Option<(SystemTime, SystemTime)> {
    let at = |path: &Path| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    Some((at(&files.cert)?, at(&files.key)?))
}

/// The certificate handed to every handshake: the last good one read.
#[derive(Debug)]
struct Reloading {
    files: TlsFiles,
    current: RwLock<Arc<CertifiedKey>>,
    seen: Mutex<Option<(SystemTime, SystemTime)>>,
}

impl ResolvesServerCert for Reloading {
    fn resolve(&self, _: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.current.read().expect("certificate lock").clone())
    }
}

impl Reloading {
    fn new(files: &TlsFiles) -> Result<Reloading, TlsError> {
        let seen = Mutex::new(modified(files));
        Ok(Reloading { files: files.clone(), current: RwLock::new(load(files)?), seen })
    }

    /// Reads the files again if they changed; a failure keeps the certificate in use.
    fn refresh(&self) {
        let now = modified(&self.files);
        let mut seen = self.seen.lock().expect("certificate times");
        if now == *seen {
            return;
        }
        match load(&self.files) {
            Ok(fresh) => {
                *self.current.write().expect("certificate lock") = fresh;
                *seen = now;
                tracing::info!(cert = %self.files.cert.display(), "TLS certificate read again");
            }
            // Often a renewal caught between writing the certificate and the key: tried again
            // at the next check.
            Err(e) => tracing::warn!(error = %e, "keeping the TLS certificate in use"),
        }
    }
}

/// The server side of TLS: its configuration, and the task that rereads the files.
pub(crate) struct Tls {
    config: Arc<ServerConfig>,
    refresher: JoinHandle<()>,
}

impl Tls {
    /// Reads `files`; an error names the file and what is wrong with it.
    pub(crate) fn new(files: &TlsFiles) -> Result<Tls, TlsError> {
        let certs = Arc::new(Reloading::new(files)?);
        let mut config = ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| TlsError { what: "setup", path: String::new(), reason: e.to_string() })?
            .with_no_client_auth()
            .with_cert_resolver(certs.clone());
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        let refresher = tokio::spawn(async move {
            loop {
                tokio::time::sleep(RELOAD_EVERY).await;
                let certs = certs.clone();
                let _ = tokio::task::spawn_blocking(move || certs.refresh()).await;
            }
        });
        Ok(Tls { config: Arc::new(config), refresher })
    }

    /// Connections of `listener`, once their handshake is done.
    pub(crate) fn listen(&self, listener: TcpListener) -> io::Result<TlsListener> {
        let local = listener.local_addr()?;
        let (done, incoming) = mpsc::channel(64);
        let acceptor = TlsAcceptor::from(self.config.clone());
        let room = Arc::new(Semaphore::new(HANDSHAKES_AT_ONCE));
        let accepting = tokio::spawn(async move {
            loop {
                let (tcp, remote) = match listener.accept().await {
                    Ok(accepted) => accepted,
                    Err(e) => {
                        // Out of file descriptors, mostly: wait instead of spinning.
                        tracing::warn!(error = %e, "accepting a connection failed");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                };
                let Ok(permit) = room.clone().try_acquire_owned() else { continue };
                let (acceptor, done) = (acceptor.clone(), done.clone());
                tokio::spawn(async move {
                    let _permit = permit;
                    match tokio::time::timeout(HANDSHAKE_LIMIT, acceptor.accept(tcp)).await {
                        Ok(Ok(stream)) => drop(done.send((stream, remote)).await),
                        Ok(Err(e)) => tracing::debug!(%remote, error = %e, "TLS handshake failed"),
                        Err(_) => tracing::debug!(%remote, "TLS handshake took too long"),
                    }
                });
            }
        });
        Ok(TlsListener { incoming, local, accepting })
    }
}

impl Drop for Tls {
    fn drop(&mut self) {
        self.refresher.abort();
    }
}

/// A listener whose connections have finished their TLS handshake.
pub(crate) struct TlsListener {
    incoming: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    local: SocketAddr,
    accepting: JoinHandle<()>,
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.incoming.recv().await {
            Some(connection) => connection,
            // The accept loop only ends when aborted, with the listener itself.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(self.local)
    }
}

impl Drop for TlsListener {
    fn drop(&mut self) {
        self.accepting.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_certificate(files: &TlsFiles) -> Vec<u8> {
        let made = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
        std::fs::write(&files.cert, made.cert.pem()).unwrap();
        std::fs::write(&files.key, made.signing_key.serialize_pem()).unwrap();
        made.cert.der().to_vec()
    }

    fn in_use(certs: &Reloading) -> Vec<u8> {
        certs.current.read().unwrap().cert[0].to_vec()
    }

    #[test]
    fn a_renewed_certificate_is_taken_and_a_broken_one_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let files = TlsFiles { cert: dir.path().join("cert.pem"), key: dir.path().join("key.pem") };
        let first = write_certificate(&files);
        let certs = Reloading::new(&files).unwrap();
        assert_eq!(in_use(&certs), first);
        // Renewed: the files change, and the next check takes them. (The times are set, as a
        // renewal within the file system's clock tick would otherwise look unchanged.)
        let renewed = write_certificate(&files);
        let later = SystemTime::now() + Duration::from_secs(5);
        for path in [&files.cert, &files.key] {
            std::fs::File::options().write(true).open(path).unwrap().set_modified(later).unwrap();
        }
        certs.refresh();
        assert_eq!(in_use(&certs), renewed);
        // Half-written: the certificate in use stays.
        std::fs::write(&files.cert, "-----BEGIN CERTIFICATE-----\nAAAA").unwrap();
        certs.refresh();
        assert_eq!(in_use(&certs), renewed);
    }
}
