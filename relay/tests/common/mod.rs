//! Helpers shared by the integration tests: start a relay in-process on an
//! ephemeral port, make plain HTTP requests, and run samod client repos that
//! dial the relay over a real `ws://` WebSocket.

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use automerge::{Automerge, ROOT, ReadDoc};
use futures::future::{self, BoxFuture};
use futures::{SinkExt, StreamExt, TryStreamExt};
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper::{HeaderMap, Request, StatusCode, header};
use hyper_util::rt::TokioIo;
use qingfeng_relay::{Config, Relay, SYNC_PATH};
use qingfeng_wire::Message as WireMessage;
use samod::{BackoffConfig, DialError, Dialer, DialerHandle, Repo, Transport, Url};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::{self, Message};

/// Upper bound for anything a test waits on.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// A configuration on `127.0.0.1:0` with the given folders and token.
pub fn config(dist: &Path, data: &Path, token: Option<&str>) -> Config {
    Config {
        addr: "127.0.0.1:0".parse().expect("valid address"),
        dist: dist.to_path_buf(),
        data: data.to_path_buf(),
        token: token.map(str::to_string),
        limits: Default::default(),
        allowed_origins: Vec::new(),
        tls: None,
    }
}

/// Starts a relay, failing the test if it cannot.
pub async fn start(config: Config) -> Relay {
    Relay::start(config).await.expect("relay starts")
}

/// `ws://<addr>/sync`, with `?token=` when given.
pub fn sync_url(addr: SocketAddr, token: Option<&str>) -> Url {
    let mut url = Url::parse(&format!("ws://{addr}{SYNC_PATH}")).expect("valid URL");
    if let Some(token) = token {
        url.query_pairs_mut().append_pair("token", token);
    }
    url
}

/// Runs `future` with [`TIMEOUT`], naming `what` if it takes too long.
pub async fn within<F: Future>(what: &str, future: F) -> F::Output {
    tokio::time::timeout(TIMEOUT, future).await.unwrap_or_else(|_| panic!("timed out: {what}"))
}

/// A plain HTTP response.
pub struct Reply {
    /// Status code.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// Whole body.
    pub body: Vec<u8>,
}

impl Reply {
    /// The `Content-Type` header, or "".
    pub fn content_type(&self) -> &str {
        self.headers.get(header::CONTENT_TYPE).and_then(|value| value.to_str().ok()).unwrap_or("")
    }

    /// The body as UTF-8 text.
    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("UTF-8 body")
    }
}

/// `GET path` over a fresh HTTP/1.1 connection.
pub async fn get(addr: SocketAddr, path: &str) -> Reply {
    get_with(addr, path, &[]).await
}

/// `GET path` with extra request headers.
pub async fn get_with(addr: SocketAddr, path: &str, headers: &[(&str, &str)]) -> Reply {
    within(&format!("GET {path}"), async {
        let stream = TcpStream::connect(addr).await.expect("connect");
        let (mut sender, connection) =
            hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.expect("HTTP handshake");
        tokio::spawn(connection);
        let mut request = Request::get(path).header(header::HOST, addr.to_string());
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request.body(Empty::<Bytes>::new()).expect("valid request");
        let response = sender.send_request(request).await.expect("response");
        let (parts, body) = response.into_parts();
        let body = body.collect().await.expect("body").to_bytes().to_vec();
        Reply { status: parts.status, headers: parts.headers, body }
    })
    .await
}

/// The secret test clients give for every document unless told otherwise.
pub const SECRET: &str = "test-register-secret";

/// A samod [`Dialer`] over a plain `ws://` WebSocket (tokio-tungstenite
/// without TLS), carrying automerge-repo messages as binary frames. Before the
/// first request or sync of each document it sends Qingfeng's access message
/// with `secret`, as the browser client does.
pub struct WsDialer {
    url: Url,
    secret: String,
    /// For `wss://`: the client's TLS configuration (trusting the test's certificate).
    tls: Option<Arc<rustls::ClientConfig>>,
}

impl Dialer for WsDialer {
    type Error = Infallible;

    fn url(&self) -> Url {
        self.url.clone()
    }

    fn connect(&self) -> BoxFuture<'static, Result<Transport, DialError<Infallible>>> {
        let url = self.url.clone();
        let secret = self.secret.clone();
        let tls = self.tls.clone();
        Box::pin(async move {
            let host = url.host_str().unwrap_or_default().to_string();
            let tcp = TcpStream::connect((host.as_str(), url.port_or_known_default().unwrap_or(443)))
                .await
                .map_err(DialError::transient)?;
            match tls {
                None => {
                    let (socket, _) =
                        tokio_tungstenite::client_async(url.as_str(), tcp).await.map_err(DialError::transient)?;
                    Ok(transport(socket, secret))
                }
                Some(config) => {
                    let name = rustls::pki_types::ServerName::try_from(host).map_err(DialError::transient)?;
                    let stream = tokio_rustls::TlsConnector::from(config)
                        .connect(name, tcp)
                        .await
                        .map_err(DialError::transient)?;
                    let (socket, _) =
                        tokio_tungstenite::client_async(url.as_str(), stream).await.map_err(DialError::transient)?;
                    Ok(transport(socket, secret))
                }
            }
        })
    }
}

/// A samod transport over `socket`, sending Qingfeng's access message with `secret` before
/// the first request or sync of each document.
fn transport<S>(socket: tokio_tungstenite::WebSocketStream<S>, secret: String) -> Transport
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let (sink, stream) = socket.split();
    let stream = stream.try_filter_map(|message| {
        future::ready(Ok(match message {
            Message::Binary(bytes) => Some(bytes.to_vec()),
            _ => None,
        }))
    });
    let mut authed = std::collections::HashSet::new();
    let sink = sink.with_flat_map(move |bytes: Vec<u8>| {
        let mut frames = Vec::new();
        if let Ok(WireMessage::Sync { document_id, .. } | WireMessage::Request { document_id, .. }) =
            WireMessage::decode(&bytes)
            && authed.insert(document_id.clone())
        {
            let auth = WireMessage::Auth { document_id, secret: secret.clone(), new_secret: None, founder: None };
            frames.push(Ok(Message::Binary(auth.encode().into())));
        }
        frames.push(Ok::<_, tungstenite::Error>(Message::Binary(bytes.into())));
        futures::stream::iter(frames)
    });
    Transport::new(stream, sink)
}

/// A samod repo with in-memory storage, dialled to `url` and connected, giving [`SECRET`].
pub async fn client(url: &Url) -> (Repo, DialerHandle) {
    client_with_secret(url, SECRET).await
}

/// A samod repo with in-memory storage, dialled to `url` and connected, giving `secret`.
pub async fn client_with_secret(url: &Url, secret: &str) -> (Repo, DialerHandle) {
    dial(url, secret, None).await
}

/// A samod repo with in-memory storage, dialled to `url` over TLS with `tls` and connected.
pub async fn tls_client(url: &Url, tls: Arc<rustls::ClientConfig>) -> (Repo, DialerHandle) {
    dial(url, SECRET, Some(tls)).await
}

async fn dial(url: &Url, secret: &str, tls: Option<Arc<rustls::ClientConfig>>) -> (Repo, DialerHandle) {
    let repo = Repo::build_tokio().load().await;
    let dialer = repo
        .dial(
            BackoffConfig { max_retries: Some(3), ..BackoffConfig::default() },
            Arc::new(WsDialer { url: url.clone(), secret: secret.to_string(), tls }),
        )
        .expect("repo running");
    within("client connects to the relay", dialer.established()).await.expect("client connects to the relay");
    (repo, dialer)
}

/// Sets `key` to `value` at the root of the document.
pub fn put(doc: &mut Automerge, key: &str, value: &str) {
    doc.transact::<_, _, automerge::AutomergeError>(|tx| {
        use automerge::transaction::Transactable;
        tx.put(ROOT, key, value)?;
        Ok(())
    })
    .expect("transaction commits");
}

/// The string at `key` in the document root, if any.
pub fn read(doc: &Automerge, key: &str) -> Option<String> {
    let (value, _) = doc.get(ROOT, key).ok()??;
    value.into_string().ok()
}

/// Polls `check` until it holds, failing after [`TIMEOUT`].
pub async fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    within(what, async {
        while !check() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
}
