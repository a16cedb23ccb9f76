//! HTTP routes: the web app with SPA fallback, `/health`, and the `/sync` WebSocket.

use std::io::ErrorKind;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::extract::Request;
use axum::extract::rejection::QueryRejection;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Json, Router};
use samod::AcceptorHandle;
use serde::{Deserialize, Serialize};
use tower_http::services::ServeDir;

/// Path of the WebSocket endpoint speaking the automerge-repo sync protocol.
pub const SYNC_PATH: &str = "/sync";
/// Path of the health check.
pub const HEALTH_PATH: &str = "/health";

/// Shared by all handlers.
#[derive(Clone)]
pub(crate) struct AppState {
    /// Hands accepted WebSockets to the samod repo.
    pub(crate) acceptor: AcceptorHandle,
    /// Folder of the built web app.
    pub(crate) dist: Arc<PathBuf>,
    /// Secret required as `?token=` on `/sync`, if any.
    pub(crate) token: Option<Arc<str>>,
    /// What the gates of all connections share.
    pub(crate) shared: Arc<crate::gate::Shared>,
    /// Origins besides its own that may open `/sync`.
    pub(crate) allowed_origins: Arc<Vec<String>>,
    /// Whether the relay serves TLS itself.
    pub(crate) tls: bool,
}

/// Builds the router: `/health`, `/sync`, and the web app for every other path.
pub(crate) fn router(state: AppState) -> Router {
    let index_fallback = get(app_index).with_state(state.clone());
    let files = ServeDir::new(state.dist.as_path())
        .append_index_html_on_directories(true)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(index_fallback);
    let web_app = Router::new().fallback_service(files).layer(middleware::from_fn(cache_control));
    let policy = Arc::new(crate::headers::Policy::new(&state.dist, state.tls));
    Router::new()
        .route(HEALTH_PATH, get(health))
        .route(SYNC_PATH, get(sync))
        .fallback_service(web_app)
        .layer(middleware::from_fn_with_state(policy, crate::headers::security_headers))
        .with_state(state)
}

/// Files named by their content's hash never change: a year, immutable. Everything else
/// (`index.html`, the service worker, the worker's unhashed files) is checked on every visit.
async fn cache_control(request: Request, next: Next) -> Response {
    let hashed = is_hashed(request.uri().path());
    let mut response = next.run(request).await;
    let value =
        if hashed && response.status().is_success() { "public, max-age=31536000, immutable" } else { "no-cache" };
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    response
}

/// Whether the file at `path` is named by a hash, as Trunk names them:
/// `app-0123456789abcdef.css`, `qingfeng-0123456789abcdef_bg.wasm`.
fn is_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    name.match_indices('-').any(|(at, _)| {
        let rest = &name[at + 1..];
        rest.len() > 16
            && rest.as_bytes()[..16].iter().all(u8::is_ascii_hexdigit)
            && matches!(rest.as_bytes()[16], b'.' | b'_')
    })
}

/// Whether `path` names a file (its last segment has an extension) rather than a page.
fn names_a_file(path: &str) -> bool {
    path.rsplit('/').next().is_some_and(|name| name.contains('.'))
}

/// Body of `GET /health`.
#[derive(Serialize)]
struct Health {
    status: &'static str,
    version: &'static str,
}

async fn health() -> Json<Health> {
    Json(Health { status: "ok", version: env!("CARGO_PKG_VERSION") })
}

/// Serves `index.html` for any path that is not a file, so client-side routes
/// such as `/r/<id>/risks` load the app; says so plainly when the app is not built.
async fn app_index(State(state): State<AppState>, uri: Uri) -> Response {
    let index = state.dist.join("index.html");
    if names_a_file(uri.path()) && tokio::fs::try_exists(&index).await.unwrap_or(false) {
        // A missing script or wasm must fail as missing, not load the page in its place. The
        // path is not echoed.
        return plain(StatusCode::NOT_FOUND, "Not found.\n".into());
    }
    match tokio::fs::read(&index).await {
        Ok(html) => ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response(),
        Err(error) if error.kind() == ErrorKind::NotFound => app_not_built(&index),
        Err(error) => {
            tracing::error!(path = %index.display(), %error, "cannot read the web app");
            plain(StatusCode::INTERNAL_SERVER_ERROR, "The web app cannot be read; see the relay's log.\n".into())
        }
    }
}

fn app_not_built(index: &Path) -> Response {
    // The folder goes to the log, not to whoever asks.
    tracing::warn!(path = %index.display(), "the web app is not built");
    plain(
        StatusCode::SERVICE_UNAVAILABLE,
        format!(
            "The Qingfeng web app is not built yet: the app folder has no index.html.\n\
             Build it with the first command in the README (it writes the app to dist/), \
             or point the relay at the built app with --dist <folder>.\n\
             The sync relay itself is running: WebSocket at {SYNC_PATH}, health at {HEALTH_PATH}.\n"
        ),
    )
}

/// Query string of `/sync`.
#[derive(Deserialize)]
struct SyncQuery {
    token: Option<String>,
}

/// Checks the token, then hands the WebSocket to its gate, which hands it to samod.
async fn sync(
    State(state): State<AppState>,
    connect_info: Option<Extension<ConnectInfo<SocketAddr>>>,
    query: Result<Query<SyncQuery>, QueryRejection>,
    headers: HeaderMap,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    let remote = connect_info.map(|Extension(ConnectInfo(addr))| addr);
    if !crate::headers::origin_allowed(&headers, &state.allowed_origins) {
        tracing::warn!(?remote, origin = ?headers.get(header::ORIGIN), "refused a sync connection from another site's page");
        return plain(
            StatusCode::FORBIDDEN,
            "This relay does not take connections from pages of that site; its operator can allow it with --allow-origin.\n"
                .into(),
        );
    }
    if let Some(expected) = &state.token {
        let given = query.ok().and_then(|Query(query)| query.token);
        let refusal = match given {
            None => Some("This relay requires an access token: connect to /sync?token=<token>.\n"),
            Some(given) if !same_secret(given.as_bytes(), expected.as_bytes()) => {
                Some("The access token is wrong: ask the relay's operator for the current one.\n")
            }
            Some(_) => None,
        };
        if let Some(message) = refusal {
            tracing::warn!(?remote, "refused a sync connection without a valid token");
            return plain(StatusCode::UNAUTHORIZED, message.to_string());
        }
    }
    let upgrade = match upgrade {
        Ok(upgrade) => upgrade,
        Err(rejection) => return rejection.into_response(),
    };
    let admitted = match state.shared.admit(remote.map(|r| r.ip())) {
        Ok(admitted) => admitted,
        Err(why) => {
            tracing::warn!(?remote, why, "refused a sync connection");
            return plain(StatusCode::SERVICE_UNAVAILABLE, format!("{why}\n"));
        }
    };
    let acceptor = state.acceptor.clone();
    let shared = state.shared.clone();
    let max = shared.limits.max_frame;
    upgrade
        .max_message_size(max)
        .max_frame_size(max)
        .on_failed_upgrade(move |error| {
            tracing::warn!(?remote, %error, "WebSocket upgrade failed");
        })
        .on_upgrade(move |socket| crate::gate::serve(socket, acceptor, shared, remote, admitted))
}

/// Compares secrets without stopping at the first differing byte.
fn same_secret(given: &[u8], expected: &[u8]) -> bool {
    let mut difference = given.len() ^ expected.len();
    for (index, byte) in expected.iter().enumerate() {
        difference |= usize::from(given.get(index).copied().unwrap_or(0) ^ byte);
    }
    difference == 0
}

fn plain(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}

#[cfg(test)]
mod tests {
    use super::{is_hashed, names_a_file, same_secret};

    #[test]
    fn hashed_names_are_trunks() {
        assert!(is_hashed("/app-32fbc689da8cdf87.css"));
        assert!(is_hashed("/qingfeng-44ad8ff86e192179_bg.wasm"));
        assert!(is_hashed("/qingfeng-19cafc323241ab0d.js.br"));
        assert!(!is_hashed("/worker.js"));
        assert!(!is_hashed("/sw.js"));
        assert!(!is_hashed("/index.html"));
        assert!(!is_hashed("/r/0123456789abcdef-0123/risks"));
        assert!(!is_hashed("/app-32fbc689.css"));
        assert!(names_a_file("/worker_bg.wasm") && !names_a_file("/r/abc/risks") && !names_a_file("/"));
    }

    #[test]
    fn secrets_compare_exactly() {
        assert!(same_secret(b"abc", b"abc"));
        assert!(!same_secret(b"abd", b"abc"));
        assert!(!same_secret(b"ab", b"abc"));
        assert!(!same_secret(b"abcd", b"abc"));
        assert!(!same_secret(b"", b"abc"));
    }
}
