//! The relay serving TLS itself (issue 27, finding 6): the app over `https://` with HSTS, sync
//! over `wss://` between two real samod clients, a client that never finishes its handshake
//! holding up nobody, and files that cannot be used refused at start with their name.

mod common;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use automerge::Automerge;
use common::{config, eventually, put, read, start, tls_client, within};
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper::{Request, StatusCode, header};
use hyper_util::rt::TokioIo;
use qingfeng_relay::{Config, Relay, RelayError, TlsFiles};
use rustls::pki_types::{CertificateDer, ServerName};
use samod::Url;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

/// A self-signed certificate for `localhost` and 127.0.0.1, written as PEM files in `dir`;
/// the files, and a client configuration trusting it.
fn certificate(dir: &Path) -> (TlsFiles, Arc<rustls::ClientConfig>) {
    let made = rcgen::generate_simple_self_signed(vec!["localhost".into(), "127.0.0.1".into()]).unwrap();
    let files = TlsFiles { cert: dir.join("cert.pem"), key: dir.join("key.pem") };
    std::fs::write(&files.cert, made.cert.pem()).unwrap();
    std::fs::write(&files.key, made.signing_key.serialize_pem()).unwrap();
    let mut roots = rustls::RootCertStore::empty();
    roots.add(CertificateDer::from(made.cert.der().to_vec())).unwrap();
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let client = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    (files, Arc::new(client))
}

fn tls_config(dir: &Path, files: TlsFiles) -> Config {
    Config { tls: Some(files), ..config(dir, &dir.join("data"), None) }
}

/// `GET path` over TLS; the status and the `Strict-Transport-Security` header.
async fn get_tls(addr: SocketAddr, client: Arc<rustls::ClientConfig>, path: &str) -> (StatusCode, Option<String>) {
    within(&format!("GET {path} over TLS"), async {
        let tcp = TcpStream::connect(addr).await.unwrap();
        let name = ServerName::try_from("localhost").unwrap();
        let stream = tokio_rustls::TlsConnector::from(client).connect(name, tcp).await.expect("TLS handshake");
        let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.unwrap();
        tokio::spawn(connection);
        let request = Request::get(path).header(header::HOST, "localhost").body(Empty::<Bytes>::new()).unwrap();
        let response = sender.send_request(request).await.unwrap();
        let hsts = response.headers().get(header::STRICT_TRANSPORT_SECURITY).map(|v| v.to_str().unwrap().to_string());
        let status = response.status();
        response.into_body().collect().await.unwrap();
        (status, hsts)
    })
    .await
}

#[tokio::test]
async fn the_app_and_sync_are_served_over_tls_and_a_silent_client_holds_up_nobody() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "<!doctype html><title>清风</title>").unwrap();
    let (files, client) = certificate(dir.path());
    let relay = start(tls_config(dir.path(), files)).await;
    let addr = relay.local_addr();

    // A client that connects and never says a word.
    let silent = TcpStream::connect(addr).await.unwrap();

    let (status, hsts) = get_tls(addr, client.clone(), "/").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(hsts.as_deref(), Some("max-age=31536000"));
    let (status, _) = get_tls(addr, client.clone(), "/health").await;
    assert_eq!(status, StatusCode::OK);

    // Plain HTTP on the TLS port gets no page.
    let mut plain = TcpStream::connect(addr).await.unwrap();
    plain.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n").await.unwrap();
    let mut answer = Vec::new();
    let _ = within("plain HTTP is dropped", tokio::io::AsyncReadExt::read_to_end(&mut plain, &mut answer)).await;
    assert!(!String::from_utf8_lossy(&answer).contains("清风"));

    // Two members sync over wss://.
    let url = Url::parse(&format!("wss://localhost:{}/sync", addr.port())).unwrap();
    let (repo_a, dialer_a) = tls_client(&url, client.clone()).await;
    let doc_a = within("create", repo_a.create(Automerge::new())).await.unwrap();
    doc_a.with_document(|doc| put(doc, "title", "清风 over TLS"));
    within("relay has A's document", doc_a.they_have_our_changes(dialer_a.connection_id().unwrap())).await;
    let (repo_b, _dialer_b) = tls_client(&url, client).await;
    let doc_b = within("B finds it", repo_b.find(doc_a.document_id().clone())).await.unwrap().expect("found");
    assert_eq!(doc_b.with_document(|doc| read(doc, "title")).as_deref(), Some("清风 over TLS"));
    doc_b.with_document(|doc| put(doc, "note", "from B"));
    eventually("A sees B's edit", || doc_a.with_document(|doc| read(doc, "note")).as_deref() == Some("from B")).await;

    drop(silent); // held open through all of the above
    within("A stops", repo_a.stop()).await;
    within("B stops", repo_b.stop()).await;
    within("relay shuts down", relay.shutdown()).await.unwrap();
}

#[tokio::test]
async fn a_certificate_or_key_that_cannot_be_used_is_refused_at_start_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let (files, _) = certificate(dir.path());
    let missing = TlsFiles { cert: dir.path().join("nowhere.pem"), ..files.clone() };
    let error = Relay::start(tls_config(dir.path(), missing)).await.err().expect("refused");
    assert!(matches!(error, RelayError::Tls(_)) && error.to_string().contains("nowhere.pem"), "{error}");

    // A key of another certificate.
    let other = tempfile::tempdir().unwrap();
    let (other_files, _) = certificate(other.path());
    let mismatched = TlsFiles { key: other_files.key, ..files };
    let error = Relay::start(tls_config(dir.path(), mismatched)).await.err().expect("refused");
    assert!(error.to_string().contains("TLS key"), "{error}");
}
