//! Relay configuration from command-line flags and environment variables.
//!
//! Precedence: a flag beats its environment variable, which beats the default.
//! An environment variable set to the empty string counts as unset.

use std::fmt;
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::time::Duration;

/// Default listening address.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";
/// Default folder of the built web app.
pub const DEFAULT_DIST: &str = "dist";
/// Default folder for document storage.
pub const DEFAULT_DATA: &str = "data/relay";

/// Environment variable for `--addr`.
pub const ENV_ADDR: &str = "QINGFENG_ADDR";
/// Environment variable for `--dist`.
pub const ENV_DIST: &str = "QINGFENG_DIST";
/// Environment variable for `--data`.
pub const ENV_DATA: &str = "QINGFENG_DATA";
/// Environment variable for `--token`.
pub const ENV_TOKEN: &str = "QINGFENG_TOKEN";

/// Help text printed by `--help`.
pub const USAGE: &str = "\
qingfeng-relay: automerge-repo sync relay for Qingfeng (清风); also serves the built web app

USAGE:
    qingfeng-relay [OPTIONS]

OPTIONS:
    --addr <host:port>   address to listen on          [env QINGFENG_ADDR, default 127.0.0.1:8080]
    --dist <folder>      folder of the built web app   [env QINGFENG_DIST, default dist]
    --data <folder>      document storage folder       [env QINGFENG_DATA, default data/relay]
    --token <secret>     require ?token=<secret> on the /sync WebSocket (an outer gate for the
                         whole relay; each register has its own secret as well)
                                                       [env QINGFENG_TOKEN, default: no token]
    --max-frame <size>   largest WebSocket message      [default 16M; a register's first sync
                         carries all of it]
    --max-documents <n>  documents on one connection   [default 256]
    --max-rate <n>       messages per second per peer  [default 200, bursts of twice that]
    --max-byte-rate <size>  bytes per second per peer  [default 2M, bursts of --max-frame]
    --max-claims <n>     new registers one address may bring a minute  [default 20]
    --max-storage <size> refuse changes once --data holds this much   [default 20G]
    --idle-timeout <s>   close a peer silent this long (half-open)    [default 60]
    --max-connections <n>         connections open at once            [default 2000]
    --max-connections-per-ip <n>  from one address (a school's NAT)   [default 100]
    --tls-cert <file>    serve https:// and wss:// with this PEM certificate chain (with
                         --tls-key; both files are read again when they change)
    --tls-key <file>     the certificate's PEM private key
    --allow-origin <o>   also let pages of origin <o> open /sync (comma-separated or repeated;
                         the relay's own pages and one-file copies always may)
    -h, --help           print this help
    -V, --version        print the version

COMMANDS (instead of running):
    qingfeng-relay documents [--data <folder>]
                         list the documents: id, register, size, last change, claimed, peers
    qingfeng-relay revoke <document or register id> [--secret <new secret>] [--data <folder>]
                         lock the document with a new secret (printed when not given): holders
                         of the old one are out within seconds, on a running relay too

ENDPOINTS:
    GET /          the web app (any path that is not a file gets index.html)
    GET /sync      WebSocket, automerge-repo sync protocol
    GET /health    {\"status\":\"ok\",\"version\":...}

Logging: RUST_LOG (default info), to stderr.
";

/// Everything the relay needs to start.
#[derive(Clone, PartialEq, Eq)]
pub struct Config {
    /// Socket address to listen on; port 0 picks a free port.
    pub addr: SocketAddr,
    /// Folder holding the built web app (`index.html`, `.wasm`, ...).
    pub dist: PathBuf,
    /// Folder where documents are stored (automerge-repo filesystem layout).
    pub data: PathBuf,
    /// Shared secret required as `?token=` on `/sync`; `None` leaves `/sync` open.
    pub token: Option<String>,
    /// What one peer may do.
    pub limits: Limits,
    /// Origins of pages, besides the relay's own and one-file copies, that may open `/sync`
    /// (`--allow-origin`, comma-separated or repeated).
    pub allowed_origins: Vec<String>,
    /// The certificate and key to serve TLS with (`--tls-cert`, `--tls-key`); plain HTTP when
    /// `None`.
    pub tls: Option<TlsFiles>,
}

/// The PEM files of the relay's certificate chain and private key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// The certificate chain, leaf first.
    pub cert: PathBuf,
    /// The private key (PKCS#8, PKCS#1 or SEC1).
    pub key: PathBuf,
}

/// What one peer may do; each has a flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest WebSocket message, in bytes (`--max-frame`).
    pub max_frame: usize,
    /// Documents one connection may sync (`--max-documents`).
    pub documents_per_peer: usize,
    /// Messages per second one peer may send, with bursts of twice that (`--max-rate`).
    pub messages_per_second: u32,
    /// Bytes per second one peer may send, with bursts of a largest frame or two seconds'
    /// worth, whichever is more (`--max-byte-rate`).
    pub bytes_per_second: u64,
    /// Bytes under `--data` beyond which new changes are refused (`--max-storage`).
    pub max_storage: u64,
    /// Silence after which a peer counts as gone (`--idle-timeout`).
    pub idle: Duration,
    /// New registers one address may claim a minute, in bursts of as many (`--max-claims`): a
    /// unit shares a few.
    pub claims_per_minute: u32,
    /// Connections open at once, in all (`--max-connections`).
    pub connections: usize,
    /// Connections open at once from one address (`--max-connections-per-ip`).
    pub connections_per_ip: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            // A register's first sync carries all of it: R5k is 4.3 MB.
            max_frame: 16 << 20,
            documents_per_peer: 256,
            messages_per_second: 200,
            bytes_per_second: 2 << 20,
            claims_per_minute: 20,
            max_storage: 20 << 30,
            idle: Duration::from_secs(60),
            connections: 2_000,
            connections_per_ip: 100,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            addr: DEFAULT_ADDR.parse().expect("default address is valid"),
            dist: PathBuf::from(DEFAULT_DIST),
            data: PathBuf::from(DEFAULT_DATA),
            token: None,
            limits: Limits::default(),
            allowed_origins: Vec::new(),
            tls: None,
        }
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("addr", &self.addr)
            .field("dist", &self.dist)
            .field("data", &self.data)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("limits", &self.limits)
            .field("allowed_origins", &self.allowed_origins)
            .field("tls", &self.tls)
            .finish()
    }
}

/// What the command line asks the program to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Run the relay with this configuration.
    Run(Config),
    /// Print [`USAGE`] and exit.
    Help,
    /// Print the version and exit.
    Version,
    /// List the documents under this data folder.
    Documents {
        /// The data folder.
        data: PathBuf,
    },
    /// Lock a document with a new secret.
    Revoke {
        /// The data folder.
        data: PathBuf,
        /// A document id or a register id.
        id: String,
        /// The new secret (a random one when absent).
        secret: Option<String>,
    },
}

/// A command line or environment that cannot be turned into a [`Config`].
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    /// A flag was given without its value.
    #[error("{flag} needs a value (see --help)")]
    MissingValue {
        /// The flag, e.g. `--addr`.
        flag: String,
    },
    /// An argument that is not a known flag.
    #[error("unknown argument {arg:?} (see --help)")]
    UnknownArgument {
        /// The argument as given.
        arg: String,
    },
    /// The listening address does not parse as `host:port`.
    #[error(
        "invalid address {value:?} from {source_name}: expected host:port such as 127.0.0.1:8080 or localhost:8080"
    )]
    InvalidAddr {
        /// Where the value came from (`--addr` or `QINGFENG_ADDR`).
        source_name: String,
        /// The value as given.
        value: String,
    },
    /// `--token` was given as an empty string.
    #[error("--token must not be empty; omit it to run without a token")]
    EmptyToken,
    /// A limit that is not a positive number (with an optional K, M or G).
    #[error("{flag} needs a positive number such as 64, 64M or 20G, not {value:?}")]
    InvalidLimit {
        /// The flag.
        flag: String,
        /// The value as given.
        value: String,
    },
    /// `revoke` without the id of a document.
    #[error("revoke needs a document id or a register id")]
    MissingId,
    /// One of `--tls-cert` and `--tls-key` without the other.
    #[error("--tls-cert and --tls-key go together")]
    TlsPair,
}

impl Config {
    /// Reads the process arguments and environment.
    pub fn from_env_and_args() -> Result<Command, ConfigError> {
        Self::parse(std::env::args().skip(1), |name| std::env::var(name).ok())
    }

    /// Parses `args` (without the program name) with `env` as the environment.
    ///
    /// Accepts `--flag value` and `--flag=value`.
    pub fn parse<I, E>(args: I, env: E) -> Result<Command, ConfigError>
    where
        I: IntoIterator<Item = String>,
        E: Fn(&str) -> Option<String>,
    {
        let mut addr: Option<(String, String)> = None;
        let mut dist = None;
        let mut data = None;
        let mut token = None;
        let mut limits = Limits::default();
        let mut subcommand: Option<String> = None;
        let mut id = None;
        let mut secret = None;
        let mut allowed_origins = Vec::new();
        let (mut tls_cert, mut tls_key) = (None, None);

        let mut args = args.into_iter().peekable();
        if let Some(first) = args.next_if(|first| first == "documents" || first == "revoke") {
            subcommand = Some(first);
            if subcommand.as_deref() == Some("revoke") {
                id = args.next_if(|next| !next.starts_with("--"));
            }
        }
        while let Some(arg) = args.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((flag, value)) if flag.starts_with("--") => (flag.to_string(), Some(value.to_string())),
                _ => (arg.clone(), None),
            };
            match flag.as_str() {
                "-h" | "--help" => return Ok(Command::Help),
                "-V" | "--version" => return Ok(Command::Version),
                "--max-frame"
                | "--max-documents"
                | "--max-rate"
                | "--max-byte-rate"
                | "--max-claims"
                | "--max-storage"
                | "--idle-timeout"
                | "--max-connections"
                | "--max-connections-per-ip" => {
                    let value = match inline {
                        Some(value) => value,
                        None => args.next().ok_or_else(|| ConfigError::MissingValue { flag: flag.clone() })?,
                    };
                    let n = size(&value).ok_or(ConfigError::InvalidLimit { flag: flag.clone(), value })?;
                    match flag.as_str() {
                        "--max-frame" => limits.max_frame = usize::try_from(n).unwrap_or(usize::MAX),
                        "--max-documents" => limits.documents_per_peer = usize::try_from(n).unwrap_or(usize::MAX),
                        "--max-rate" => limits.messages_per_second = u32::try_from(n).unwrap_or(u32::MAX),
                        "--max-byte-rate" => limits.bytes_per_second = n,
                        "--max-claims" => limits.claims_per_minute = u32::try_from(n).unwrap_or(u32::MAX),
                        "--max-storage" => limits.max_storage = n,
                        "--max-connections" => limits.connections = usize::try_from(n).unwrap_or(usize::MAX),
                        "--max-connections-per-ip" => {
                            limits.connections_per_ip = usize::try_from(n).unwrap_or(usize::MAX);
                        }
                        _ => limits.idle = Duration::from_secs(n),
                    }
                }
                "--addr" | "--dist" | "--data" | "--token" | "--secret" | "--allow-origin" | "--tls-cert"
                | "--tls-key" => {
                    let value = match inline {
                        Some(value) => value,
                        None => args.next().ok_or_else(|| ConfigError::MissingValue { flag: flag.clone() })?,
                    };
                    match flag.as_str() {
                        "--addr" => addr = Some(("--addr".to_string(), value)),
                        "--dist" => dist = Some(PathBuf::from(value)),
                        "--data" => data = Some(PathBuf::from(value)),
                        "--secret" => secret = Some(value),
                        "--tls-cert" => tls_cert = Some(PathBuf::from(value)),
                        "--tls-key" => tls_key = Some(PathBuf::from(value)),
                        "--allow-origin" => allowed_origins
                            .extend(value.split(',').map(str::trim).filter(|o| !o.is_empty()).map(str::to_string)),
                        _ => {
                            if value.is_empty() {
                                return Err(ConfigError::EmptyToken);
                            }
                            token = Some(value);
                        }
                    }
                }
                _ => return Err(ConfigError::UnknownArgument { arg }),
            }
        }

        let env = |name: &str| env(name).filter(|value| !value.is_empty());
        let defaults = Config::default();
        let data = data.or_else(|| env(ENV_DATA).map(PathBuf::from)).unwrap_or(defaults.data.clone());
        match subcommand.as_deref() {
            Some("documents") => return Ok(Command::Documents { data }),
            Some(_) => return Ok(Command::Revoke { data, id: id.ok_or(ConfigError::MissingId)?, secret }),
            None => {}
        }
        let addr = match addr.or_else(|| env(ENV_ADDR).map(|v| (ENV_ADDR.to_string(), v))) {
            Some((source_name, value)) => {
                resolve(value.trim()).ok_or(ConfigError::InvalidAddr { source_name, value })?
            }
            None => defaults.addr,
        };
        let tls = match (tls_cert, tls_key) {
            (Some(cert), Some(key)) => Some(TlsFiles { cert, key }),
            (None, None) => None,
            _ => return Err(ConfigError::TlsPair),
        };
        Ok(Command::Run(Config {
            addr,
            dist: dist.or_else(|| env(ENV_DIST).map(PathBuf::from)).unwrap_or(defaults.dist),
            data,
            token: token.or_else(|| env(ENV_TOKEN)),
            limits,
            allowed_origins,
            tls,
        }))
    }
}

/// A positive whole number with an optional `K`, `M` or `G` (powers of 1024).
fn size(value: &str) -> Option<u64> {
    let value = value.trim();
    let (digits, shift) = match value.char_indices().last()? {
        (at, 'k' | 'K') => (&value[..at], 10),
        (at, 'm' | 'M') => (&value[..at], 20),
        (at, 'g' | 'G') => (&value[..at], 30),
        _ => (value, 0),
    };
    let n: u64 = digits.parse().ok().filter(|n| *n > 0)?;
    n.checked_mul(1 << shift)
}

/// Parses `host:port`, resolving a host name such as `localhost` if needed.
fn resolve(value: &str) -> Option<SocketAddr> {
    value.parse().ok().or_else(|| value.to_socket_addrs().ok()?.next())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str], env: &[(&str, &str)]) -> Result<Command, ConfigError> {
        let env: Vec<(String, String)> = env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::parse(args.iter().map(|s| s.to_string()), move |name| {
            env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
        })
    }

    fn run(args: &[&str], env: &[(&str, &str)]) -> Config {
        match parse(args, env) {
            Ok(Command::Run(config)) => config,
            other => panic!("expected a run config, got {other:?}"),
        }
    }

    #[test]
    fn defaults_without_flags_or_env() {
        assert_eq!(run(&[], &[]), Config::default());
        assert_eq!(Config::default().addr.to_string(), "127.0.0.1:8080");
    }

    #[test]
    fn flags_in_both_forms() {
        let config = run(&["--addr", "0.0.0.0:9000", "--dist=web", "--data", "/tmp/d", "--token=s3cret"], &[]);
        assert_eq!(config.addr.to_string(), "0.0.0.0:9000");
        assert_eq!(config.dist, PathBuf::from("web"));
        assert_eq!(config.data, PathBuf::from("/tmp/d"));
        assert_eq!(config.token.as_deref(), Some("s3cret"));
    }

    #[test]
    fn env_fills_in_and_flags_win() {
        let env = [(ENV_ADDR, "127.0.0.1:7000"), (ENV_DIST, "envdist"), (ENV_DATA, "envdata"), (ENV_TOKEN, "envtoken")];
        let config = run(&[], &env);
        assert_eq!(config.addr.to_string(), "127.0.0.1:7000");
        assert_eq!(config.dist, PathBuf::from("envdist"));
        assert_eq!(config.data, PathBuf::from("envdata"));
        assert_eq!(config.token.as_deref(), Some("envtoken"));

        let config = run(&["--dist", "flagdist", "--token", "flagtoken"], &env);
        assert_eq!(config.dist, PathBuf::from("flagdist"));
        assert_eq!(config.token.as_deref(), Some("flagtoken"));
        assert_eq!(config.data, PathBuf::from("envdata"));
    }

    #[test]
    fn empty_env_counts_as_unset() {
        let config = run(&[], &[(ENV_TOKEN, ""), (ENV_ADDR, "")]);
        assert_eq!(config.token, None);
        assert_eq!(config.addr, Config::default().addr);
    }

    #[test]
    fn errors_are_specific() {
        assert_eq!(parse(&["--addr"], &[]), Err(ConfigError::MissingValue { flag: "--addr".into() }));
        assert_eq!(parse(&["--port", "1"], &[]), Err(ConfigError::UnknownArgument { arg: "--port".into() }));
        assert_eq!(parse(&["--token="], &[]), Err(ConfigError::EmptyToken));
        assert_eq!(parse(&["--tls-cert", "c.pem"], &[]), Err(ConfigError::TlsPair));
        let tls = run(&["--tls-cert", "c.pem", "--tls-key=k.pem"], &[]).tls;
        assert_eq!(tls, Some(TlsFiles { cert: "c.pem".into(), key: "k.pem".into() }));
        assert_eq!(run(&["--addr", "localhost:8080"], &[]).addr.port(), 8080);
        assert!(matches!(
            parse(&[], &[(ENV_ADDR, "localhost")]),
            Err(ConfigError::InvalidAddr { source_name, .. }) if source_name == ENV_ADDR
        ));
    }

    #[test]
    fn limits_and_commands() {
        let config = run(&["--max-frame", "1M", "--max-documents=3", "--max-rate", "5", "--max-storage", "2G"], &[]);
        assert_eq!(config.limits.max_frame, 1 << 20);
        assert_eq!(config.limits.documents_per_peer, 3);
        assert_eq!(config.limits.messages_per_second, 5);
        assert_eq!(run(&["--max-byte-rate", "64K"], &[]).limits.bytes_per_second, 64 << 10);
        assert_eq!(run(&["--max-claims", "500"], &[]).limits.claims_per_minute, 500);
        assert_eq!(config.limits.max_storage, 2 << 30);
        assert_eq!(run(&["--idle-timeout", "2"], &[]).limits.idle, Duration::from_secs(2));
        assert!(matches!(parse(&["--max-rate", "0"], &[]), Err(ConfigError::InvalidLimit { .. })));
        assert!(matches!(parse(&["--max-frame", "lots"], &[]), Err(ConfigError::InvalidLimit { .. })));
        assert_eq!(parse(&["documents", "--data", "/d"], &[]), Ok(Command::Documents { data: PathBuf::from("/d") }));
        assert_eq!(
            parse(&["revoke", "abc"], &[(ENV_DATA, "/e")]),
            Ok(Command::Revoke { data: PathBuf::from("/e"), id: "abc".into(), secret: None })
        );
        assert_eq!(
            parse(&["revoke", "abc", "--secret", "0123456789abcdef"], &[(ENV_DATA, "/e")]),
            Ok(Command::Revoke {
                data: PathBuf::from("/e"),
                id: "abc".into(),
                secret: Some("0123456789abcdef".into())
            })
        );
        assert_eq!(parse(&["revoke"], &[]), Err(ConfigError::MissingId));
    }

    #[test]
    fn help_and_version() {
        assert_eq!(parse(&["--help"], &[]), Ok(Command::Help));
        assert_eq!(parse(&["--addr", "x", "-V"], &[]), Ok(Command::Version));
    }

    #[test]
    fn debug_output_hides_the_token() {
        let config = run(&["--token", "topsecret"], &[]);
        let shown = format!("{config:?}");
        assert!(!shown.contains("topsecret"), "{shown}");
        assert!(shown.contains("<redacted>"));
    }
}
