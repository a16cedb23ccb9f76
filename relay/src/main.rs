//! `qingfeng-relay`: parse the configuration, then run the relay.

use std::io::IsTerminal;
use std::process::ExitCode;

use qingfeng_relay::{Command, Config};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let config = match Config::from_env_and_args() {
        Ok(Command::Run(config)) => config,
        Ok(Command::Help) => {
            print!("{}", qingfeng_relay::USAGE);
            return ExitCode::SUCCESS;
        }
        Ok(Command::Version) => {
            println!("qingfeng-relay {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Ok(Command::Documents { data }) => {
            print!("{}", qingfeng_relay::documents_table(&data));
            return ExitCode::SUCCESS;
        }
        Ok(Command::Revoke { data, id, secret }) => {
            return match qingfeng_relay::revoke(&data, &id, secret.as_deref()) {
                Ok((document, secret)) => {
                    println!("locked {document} with a new secret; give it to the members who keep access:");
                    println!("{secret}");
                    ExitCode::SUCCESS
                }
                Err(error) => {
                    eprintln!("qingfeng-relay: {error}");
                    ExitCode::FAILURE
                }
            };
        }
        Err(error) => {
            eprintln!("qingfeng-relay: {error}");
            return ExitCode::from(2);
        }
    };
    match qingfeng_relay::run(config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error}");
            ExitCode::FAILURE
        }
    }
}
