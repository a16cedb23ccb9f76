//! `qingfeng-precompress <dir>`: writes `.br` and `.gz` copies of the built app's files, which
//! the relay serves to browsers that accept them. Run by `build_app` after Trunk.

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1) else {
        eprintln!("usage: qingfeng-precompress <folder of the built app>");
        return ExitCode::from(2);
    };
    match qingfeng_relay::precompress_dir(dir.as_ref()) {
        Ok(files) => {
            println!("precompressed {} files in {}", files.len(), dir.to_string_lossy());
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("cannot precompress {}: {error}", dir.to_string_lossy());
            ExitCode::FAILURE
        }
    }
}
