//! Brotli and gzip copies of the built app's text and wasm files, made once at build time so
//! the relay serves a slow line the smallest bytes without compressing on every request.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Extensions worth compressing: the app's text and its wasm.
const COMPRESSIBLE: [&str; 7] = ["html", "js", "wasm", "css", "webmanifest", "svg", "json"];

/// Writes `<file>.br` and `<file>.gz` beside every compressible file directly in `dir` whose
/// copies are missing or older than it. Returns the files compressed.
pub fn precompress_dir(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut done = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let compressible = path.extension().and_then(|e| e.to_str()).is_some_and(|e| COMPRESSIBLE.contains(&e));
        if !path.is_file() || !compressible {
            continue;
        }
        let bytes = std::fs::read(&path)?;
        let modified = std::fs::metadata(&path)?.modified()?;
        for (suffix, compress) in [("br", brotli_bytes as fn(&[u8]) -> io::Result<Vec<u8>>), ("gz", gzip_bytes)] {
            let mut name = path.clone().into_os_string();
            name.push(".");
            name.push(suffix);
            let copy = PathBuf::from(name);
            let fresh = std::fs::metadata(&copy).and_then(|m| m.modified()).is_ok_and(|m| m >= modified);
            if !fresh {
                std::fs::write(&copy, compress(&bytes)?)?;
            }
        }
        done.push(path);
    }
    done.sort();
    Ok(done)
}

/// Brotli at its best quality, with a 4 MiB window (the wasm is a few MB).
fn brotli_bytes(bytes: &[u8]) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 64 * 1024, 11, 22);
        writer.write_all(bytes)?;
    }
    Ok(out)
}

/// Gzip at its best level.
fn gzip_bytes(bytes: &[u8]) -> io::Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes)?;
    encoder.finish()
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    #[test]
    fn both_copies_decode_to_the_file_and_other_files_are_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let js = "export function 清风() { return 1; }\n".repeat(200);
        std::fs::write(dir.path().join("app-0123456789abcdef.js"), &js).unwrap();
        std::fs::write(dir.path().join("notes.txt"), "not served compressed").unwrap();
        let done = precompress_dir(dir.path()).unwrap();
        assert_eq!(done, [dir.path().join("app-0123456789abcdef.js")]);

        let br = std::fs::read(dir.path().join("app-0123456789abcdef.js.br")).unwrap();
        let mut plain = String::new();
        brotli::Decompressor::new(br.as_slice(), 4096).read_to_string(&mut plain).unwrap();
        assert_eq!(plain, js);
        assert!(br.len() < js.len() / 10);
        let gz = std::fs::read(dir.path().join("app-0123456789abcdef.js.gz")).unwrap();
        let mut plain = String::new();
        flate2::read::GzDecoder::new(gz.as_slice()).read_to_string(&mut plain).unwrap();
        assert_eq!(plain, js);
        assert!(!dir.path().join("notes.txt.br").exists());
        // Run again: nothing is stale, the copies are kept.
        let before = std::fs::metadata(dir.path().join("app-0123456789abcdef.js.br")).unwrap().modified().unwrap();
        precompress_dir(dir.path()).unwrap();
        let after = std::fs::metadata(dir.path().join("app-0123456789abcdef.js.br")).unwrap().modified().unwrap();
        assert_eq!(before, after);
    }
}
