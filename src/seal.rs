//! Sealing confidential values (a reporter's name and contact) before they enter a document.
//!
//! Automerge keeps every value in its history forever, and the document travels in files and
//! through the relay; so a confidential value is encrypted first, and only its ciphertext is
//! written. The key comes from a passphrase the committee chooses:
//! - Argon2id (RFC 9106) with 19 MiB of memory, 2 passes and 1 lane, over the passphrase and a
//!   random 16-byte salt kept in the register, gives a 32-byte key;
//! - XChaCha20-Poly1305 with a random 24-byte nonce seals each value; the register id is the
//!   associated data, so a sealed value copied into another register does not open there;
//! - a known text sealed with the key is kept beside the salt, so a wrong passphrase is
//!   refused at once instead of giving garbage.
//!
//! Someone holding the file learns that a reporter exists and the length of the sealed value,
//! never the name, unless they guess the passphrase (each guess costs an Argon2id run).

use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

use crate::model::{ReporterLock, Sealed};

/// Argon2id memory in KiB (19 MiB, the OWASP minimum for Argon2id).
pub const KDF_MEMORY_KIB: u32 = 19 * 1024;
/// Argon2id passes.
pub const KDF_PASSES: u32 = 2;
/// Argon2id lanes.
pub const KDF_LANES: u32 = 1;
/// The shortest passphrase accepted.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// What the check value holds.
const CHECK: &[u8] = "清风 · 举报人信息".as_bytes();

/// Why sealing or opening failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    /// The passphrase does not open this register's sealed values.
    #[error("wrong passphrase")]
    WrongPassphrase,
    /// The passphrase is shorter than [`MIN_PASSPHRASE_CHARS`].
    #[error("passphrase too short")]
    TooShort,
    /// A sealed value is damaged, or was not sealed for this register.
    #[error("a sealed value cannot be opened")]
    Damaged,
    /// The browser gave no random bytes.
    #[error("no randomness: {0}")]
    Random(String),
}

impl SealError {
    /// The locale key of its message.
    pub fn label_key(&self) -> &'static str {
        match self {
            SealError::WrongPassphrase => "seal.wrong_passphrase",
            SealError::TooShort => "seal.too_short",
            SealError::Damaged => "seal.damaged",
            SealError::Random(_) => "seal.random",
        }
    }
}

/// A passphrase on its way to the engine: its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Passphrase(pub String);

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passphrase(…)")
    }
}

/// The key that seals and opens one register's confidential values. Kept in memory only.
#[derive(Clone)]
pub struct SealKey([u8; 32]);

impl std::fmt::Debug for SealKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealKey(…)")
    }
}

fn random<const N: usize>() -> Result<[u8; N], SealError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| SealError::Random(e.to_string()))?;
    Ok(bytes)
}

fn derive(passphrase: &str, salt: &[u8]) -> Result<SealKey, SealError> {
    let params = Params::new(KDF_MEMORY_KIB, KDF_PASSES, KDF_LANES, Some(32)).map_err(|_| SealError::Damaged)?;
    let mut key = [0u8; 32];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(passphrase.as_bytes(), salt, &mut key)
        .map_err(|_| SealError::Damaged)?;
    Ok(SealKey(key))
}

/// A new lock for register `register` with `passphrase`, and its key.
pub fn new_lock(passphrase: &str, register: &str) -> Result<(ReporterLock, SealKey), SealError> {
    if passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(SealError::TooShort);
    }
    let salt = random::<16>()?;
    let key = derive(passphrase, &salt)?;
    let check = seal(&key, register, CHECK)?;
    Ok((ReporterLock { salt: STANDARD.encode(salt), check }, key))
}

/// The key of `lock` for `passphrase`, or [`SealError::WrongPassphrase`].
pub fn unlock(lock: &ReporterLock, passphrase: &str, register: &str) -> Result<SealKey, SealError> {
    let salt = STANDARD.decode(&lock.salt).map_err(|_| SealError::Damaged)?;
    let key = derive(passphrase, &salt)?;
    match open(&key, register, &lock.check) {
        Ok(bytes) if bytes == CHECK => Ok(key),
        _ => Err(SealError::WrongPassphrase),
    }
}

/// `plain` sealed with `key` for register `register`.
pub fn seal(key: &SealKey, register: &str, plain: &[u8]) -> Result<Sealed, SealError> {
    let nonce = random::<24>()?;
    let cipher = XChaCha20Poly1305::new((&key.0).into());
    let data = cipher
        .encrypt(XNonce::from_slice(&nonce), Payload { msg: plain, aad: register.as_bytes() })
        .map_err(|_| SealError::Damaged)?;
    Ok(Sealed { nonce: STANDARD.encode(nonce), data: STANDARD.encode(data) })
}

/// What `sealed` holds, if `key` sealed it for register `register`.
pub fn open(key: &SealKey, register: &str, sealed: &Sealed) -> Result<Vec<u8>, SealError> {
    let nonce = STANDARD.decode(&sealed.nonce).map_err(|_| SealError::Damaged)?;
    let data = STANDARD.decode(&sealed.data).map_err(|_| SealError::Damaged)?;
    if nonce.len() != 24 {
        return Err(SealError::Damaged);
    }
    XChaCha20Poly1305::new((&key.0).into())
        .decrypt(XNonce::from_slice(&nonce), Payload { msg: &data, aad: register.as_bytes() })
        .map_err(|_| SealError::Damaged)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_value_opens_with_the_passphrase_only() {
        let (lock, key) = new_lock("清风廉政2026", "r1").unwrap();
        let sealed = seal(&key, "r1", "张三 13800000000".as_bytes()).unwrap();
        assert!(!sealed.data.contains("张三"));
        let again = unlock(&lock, "清风廉政2026", "r1").unwrap();
        assert_eq!(open(&again, "r1", &sealed).unwrap(), "张三 13800000000".as_bytes());
        assert_eq!(unlock(&lock, "清风廉政2027", "r1").unwrap_err(), SealError::WrongPassphrase);
        // Not for another register, and not once damaged.
        assert_eq!(open(&again, "r2", &sealed).unwrap_err(), SealError::Damaged);
        let mut damaged = sealed.clone();
        damaged.data.replace_range(0..4, "AAAA");
        assert_eq!(open(&again, "r1", &damaged).unwrap_err(), SealError::Damaged);
    }

    #[test]
    fn each_sealing_differs_and_short_passphrases_are_refused() {
        let (_, key) = new_lock("12345678", "r").unwrap();
        let a = seal(&key, "r", b"same").unwrap();
        let b = seal(&key, "r", b"same").unwrap();
        assert_ne!(a, b, "a fresh nonce each time");
        assert_eq!(new_lock("1234567", "r").unwrap_err(), SealError::TooShort);
    }
}
