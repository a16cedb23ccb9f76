//! Sealing confidential values (a reporter's name and contact) before they enter a document.
//!
//! Automerge keeps every value in its history forever, and the document travels in files and
//! through the relay; so a confidential value is encrypted first, and only its ciphertext is
//! written. The key comes from a passphrase the committee chooses:
//! - Argon2id (RFC 9106) with 64 MiB of memory, 8 passes and 1 lane, over the passphrase and a
//!   random 16-byte salt, gives a 32-byte key: about 1 s in the worker's wasm on the team's
//!   2-core machine (BENCHMARKS.md). The salt and the cost are the lock's id
//!   (`argon2id-m65536-t8-<salt>`), and every sealed value names its lock: a value opens with
//!   the passphrase alone, even where a writer removed or changed the lock's record;
//! - XChaCha20-Poly1305 with a random 24-byte nonce seals each value. The associated data is
//!   `reporter-v1 ‖ register ‖ complaint ‖ lock`, so a sealed value copied onto another
//!   complaint, into another register or under another lock does not open there;
//! - a known text sealed with the key is kept in the lock's record, so a wrong passphrase is
//!   refused without a sealed value to try.
//!
//! Someone holding the file learns that a reporter exists and the length of the sealed value,
//! never the name, unless they guess the passphrase; each guess costs an Argon2id run, and a
//! passphrase is accepted only when it is estimated at [`MIN_BITS`] or more ([`strength_bits`]).
//!
//! Registers sealed before: one lock in `settings.reporter_lock` (19 MiB, 2 passes, the register
//! id as associated data), values with an empty `lock`. They still open ([`unlock_legacy`]); the
//! engine re-seals them under a new lock when a member gives the passphrase.

use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

use crate::model::{ReporterLock, Sealed};

/// Argon2id memory in KiB for new locks (64 MiB).
pub const KDF_MEMORY_KIB: u32 = 64 * 1024;
/// Argon2id passes for new locks: 3 took 0.36 s in the worker's wasm, 8 about a second.
pub const KDF_PASSES: u32 = 8;
/// The estimated strength a new passphrase needs, in bits ([`strength_bits`]).
pub const MIN_BITS: u32 = 50;
/// How many characters a generated passphrase has (11 bits each).
pub const GENERATED_CHARS: usize = 6;

/// The legacy lock's cost.
const LEGACY_MEMORY_KIB: u32 = 19 * 1024;
const LEGACY_PASSES: u32 = 2;
/// The most memory a lock id may ask for (a hostile id must not exhaust the worker).
const MAX_MEMORY_KIB: u32 = 256 * 1024;
const MAX_PASSES: u32 = 10;

/// What the check value holds.
const CHECK: &[u8] = "清风 · 举报人信息".as_bytes();

/// 2,048 common characters (the BIP-39 simplified Chinese word list, MIT licence): a generated
/// passphrase draws from them, 11 bits a character.
const WORDS: &str = include_str!("seal/words.txt");

/// Why sealing or opening failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    /// The passphrase does not open this register's sealed values.
    #[error("wrong passphrase")]
    WrongPassphrase,
    /// The passphrase is estimated below [`MIN_BITS`].
    #[error("passphrase too easy to guess")]
    TooWeak,
    /// A sealed value is damaged, or was not sealed for this register and complaint.
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
            SealError::TooWeak => "seal.too_weak",
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

/// The key that seals and opens one lock's values. Kept in memory only.
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

/// How a lock's key is made from a passphrase: the Argon2id cost and salt its id names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kdf {
    memory_kib: u32,
    passes: u32,
    salt: Vec<u8>,
}

impl Kdf {
    fn fresh() -> Result<Kdf, SealError> {
        Ok(Kdf { memory_kib: KDF_MEMORY_KIB, passes: KDF_PASSES, salt: random::<16>()?.to_vec() })
    }

    /// The cost and salt lock id `id` names; `None` for an id that is not a lock's, or asks
    /// for more than [`MAX_MEMORY_KIB`] or [`MAX_PASSES`].
    pub fn of(id: &str) -> Option<Kdf> {
        let rest = id.strip_prefix("argon2id-m")?;
        let (memory, rest) = rest.split_once("-t")?;
        let (passes, salt) = rest.split_once('-')?;
        let (memory_kib, passes) = (memory.parse().ok()?, passes.parse().ok()?);
        let salt = URL_SAFE_NO_PAD.decode(salt).ok()?;
        let sane = (8..=MAX_MEMORY_KIB).contains(&memory_kib) && (1..=MAX_PASSES).contains(&passes);
        (sane && salt.len() >= 16).then_some(Kdf { memory_kib, passes, salt })
    }

    /// The lock id naming this cost and salt.
    pub fn id(&self) -> String {
        format!("argon2id-m{}-t{}-{}", self.memory_kib, self.passes, URL_SAFE_NO_PAD.encode(&self.salt))
    }

    /// The key for `passphrase`: one Argon2id run.
    pub fn derive(&self, passphrase: &str) -> Result<SealKey, SealError> {
        argon2id(passphrase, &self.salt, self.memory_kib, self.passes)
    }
}

fn argon2id(passphrase: &str, salt: &[u8], memory_kib: u32, passes: u32) -> Result<SealKey, SealError> {
    let params = Params::new(memory_kib, passes, 1, Some(32)).map_err(|_| SealError::Damaged)?;
    let mut key = [0u8; 32];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(passphrase.as_bytes(), salt, &mut key)
        .map_err(|_| SealError::Damaged)?;
    Ok(SealKey(key))
}

/// A rough estimate of how many bits a guesser needs for `passphrase`: each character is worth
/// the bits of the alphabet the passphrase draws on (digits 10, lower and upper case 26 each,
/// other ASCII 33, any other character 2,000), except one that repeats an earlier character or
/// continues a run (`1234`, `abcd`), which is worth one bit.
pub fn strength_bits(passphrase: &str) -> u32 {
    let chars: Vec<char> = passphrase.chars().filter(|c| !c.is_whitespace()).collect();
    let class = |c: char| match c {
        '0'..='9' => 0,
        'a'..='z' => 1,
        'A'..='Z' => 2,
        c if c.is_ascii() => 3,
        _ => 4,
    };
    const SIZES: [f64; 5] = [10.0, 26.0, 26.0, 33.0, 2000.0];
    let mut used = [false; 5];
    chars.iter().for_each(|&c| used[class(c)] = true);
    let alphabet: f64 = SIZES.iter().zip(used).filter(|(_, u)| *u).map(|(s, _)| s).sum();
    let each = alphabet.max(1.0).log2();
    let bits: f64 = chars
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let seen = chars[..i].contains(&c);
            let run = i > 0 && (c as i64 - chars[i - 1] as i64).abs() == 1;
            if seen || run { 1.0 } else { each }
        })
        .sum();
    bits as u32
}

/// A passphrase of [`GENERATED_CHARS`] characters drawn at random from 2,048 common ones (66
/// bits), in two groups of three: easy to write down for the keeper, hard to guess. The rare
/// draw with repeats that [`strength_bits`] would refuse is drawn again.
pub fn generate_passphrase() -> Result<String, SealError> {
    let words: Vec<char> = WORDS.trim().chars().collect();
    loop {
        let bytes = random::<{ 2 * GENERATED_CHARS }>()?;
        let picked = bytes.chunks(2).map(|pair| words[usize::from(u16::from_le_bytes([pair[0], pair[1]]) & 0x7ff)]);
        let mut out = String::new();
        for (i, c) in picked.enumerate() {
            if i == GENERATED_CHARS / 2 {
                out.push('-');
            }
            out.push(c);
        }
        if strength_bits(&out) >= MIN_BITS {
            return Ok(out);
        }
    }
}

fn check_aad(register: &str, lock: &str) -> Vec<u8> {
    format!("reporter-check-v1\0{register}\0{lock}").into_bytes()
}

fn reporter_aad(register: &str, complaint: &str, lock: &str) -> Vec<u8> {
    format!("reporter-v1\0{register}\0{complaint}\0{lock}").into_bytes()
}

fn encrypt(key: &SealKey, aad: &[u8], plain: &[u8], lock: &str) -> Result<Sealed, SealError> {
    let nonce = random::<24>()?;
    let data = XChaCha20Poly1305::new((&key.0).into())
        .encrypt(XNonce::from_slice(&nonce), Payload { msg: plain, aad })
        .map_err(|_| SealError::Damaged)?;
    Ok(Sealed { nonce: STANDARD.encode(nonce), data: STANDARD.encode(data), lock: lock.to_string() })
}

fn decrypt(key: &SealKey, aad: &[u8], sealed: &Sealed) -> Result<Vec<u8>, SealError> {
    let nonce = STANDARD.decode(&sealed.nonce).map_err(|_| SealError::Damaged)?;
    let data = STANDARD.decode(&sealed.data).map_err(|_| SealError::Damaged)?;
    if nonce.len() != 24 {
        return Err(SealError::Damaged);
    }
    XChaCha20Poly1305::new((&key.0).into())
        .decrypt(XNonce::from_slice(&nonce), Payload { msg: &data, aad })
        .map_err(|_| SealError::Damaged)
}

/// A new lock for register `register` with `passphrase`: its id, its check value and its key.
/// Refused when the passphrase is estimated below [`MIN_BITS`].
pub fn new_lock(passphrase: &str, register: &str) -> Result<(String, Sealed, SealKey), SealError> {
    if strength_bits(passphrase) < MIN_BITS {
        return Err(SealError::TooWeak);
    }
    fresh_lock(passphrase, register)
}

/// A new lock for `passphrase` without the strength check: for the passphrase of a legacy lock,
/// which the committee already uses, when its names are sealed again at today's cost.
pub fn fresh_lock(passphrase: &str, register: &str) -> Result<(String, Sealed, SealKey), SealError> {
    let kdf = Kdf::fresh()?;
    let (id, key) = (kdf.id(), kdf.derive(passphrase)?);
    let check = encrypt(&key, &check_aad(register, &id), CHECK, &id)?;
    Ok((id, check, key))
}

/// Whether `key` is lock `lock`'s, by the check value its record keeps.
pub fn check_opens(key: &SealKey, register: &str, lock: &str, check: &Sealed) -> bool {
    decrypt(key, &check_aad(register, lock), check).is_ok_and(|bytes| bytes == CHECK)
}

/// `plain` sealed under lock `lock` with its key, for complaint `complaint` of `register`.
pub fn seal(key: &SealKey, lock: &str, register: &str, complaint: &str, plain: &[u8]) -> Result<Sealed, SealError> {
    encrypt(key, &reporter_aad(register, complaint, lock), plain, lock)
}

/// What `sealed` holds, if `key` is its lock's and it was sealed for complaint `complaint` of
/// `register`. A value of the legacy lock (empty `lock`) is bound to the register only.
pub fn open(key: &SealKey, register: &str, complaint: &str, sealed: &Sealed) -> Result<Vec<u8>, SealError> {
    if sealed.lock.is_empty() {
        decrypt(key, register.as_bytes(), sealed)
    } else {
        decrypt(key, &reporter_aad(register, complaint, &sealed.lock), sealed)
    }
}

/// The key of a legacy lock for `passphrase`, or [`SealError::WrongPassphrase`].
pub fn unlock_legacy(lock: &ReporterLock, passphrase: &str, register: &str) -> Result<SealKey, SealError> {
    let salt = STANDARD.decode(&lock.salt).map_err(|_| SealError::Damaged)?;
    let key = argon2id(passphrase, &salt, LEGACY_MEMORY_KIB, LEGACY_PASSES)?;
    match decrypt(&key, register.as_bytes(), &lock.check) {
        Ok(bytes) if bytes == CHECK => Ok(key),
        _ => Err(SealError::WrongPassphrase),
    }
}

/// A legacy lock and its key, as registers made before were sealed: for the tests of the
/// re-sealing.
#[cfg(test)]
pub(crate) fn legacy_lock(passphrase: &str, register: &str) -> (ReporterLock, SealKey) {
    let salt = random::<16>().unwrap();
    let key = argon2id(passphrase, &salt, LEGACY_MEMORY_KIB, LEGACY_PASSES).unwrap();
    let check = encrypt(&key, register.as_bytes(), CHECK, "").unwrap();
    (ReporterLock { salt: STANDARD.encode(salt), check }, key)
}

/// `plain` sealed as legacy values were: for the tests of the re-sealing.
#[cfg(test)]
pub(crate) fn seal_legacy(key: &SealKey, register: &str, plain: &[u8]) -> Sealed {
    encrypt(key, register.as_bytes(), plain, "").unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "清风廉政2026";

    #[test]
    fn a_sealed_value_opens_with_the_passphrase_for_its_complaint_only() {
        let (lock, check, key) = new_lock(GOOD, "r1").unwrap();
        assert!(lock.starts_with("argon2id-m65536-t8-"), "{lock}");
        let sealed = seal(&key, &lock, "r1", "c1", "张三 13800000000".as_bytes()).unwrap();
        assert!(!sealed.data.contains("张三"));
        assert_eq!(sealed.lock, lock);
        // The passphrase alone gives the key again: the lock id names the salt and the cost.
        let again = Kdf::of(&lock).unwrap().derive(GOOD).unwrap();
        assert!(check_opens(&again, "r1", &lock, &check));
        assert_eq!(open(&again, "r1", "c1", &sealed).unwrap(), "张三 13800000000".as_bytes());
        let wrong = Kdf::of(&lock).unwrap().derive("清风廉政2027").unwrap();
        assert!(!check_opens(&wrong, "r1", &lock, &check));
        // Not on another complaint, in another register, or under another lock's name.
        assert_eq!(open(&again, "r1", "c2", &sealed).unwrap_err(), SealError::Damaged);
        assert_eq!(open(&again, "r2", "c1", &sealed).unwrap_err(), SealError::Damaged);
        let relabelled = Sealed { lock: "argon2id-m65536-t3-AAAAAAAAAAAAAAAAAAAAAA".into(), ..sealed.clone() };
        assert_eq!(open(&again, "r1", "c1", &relabelled).unwrap_err(), SealError::Damaged);
        let mut damaged = sealed.clone();
        damaged.data.replace_range(0..4, "AAAA");
        assert_eq!(open(&again, "r1", "c1", &damaged).unwrap_err(), SealError::Damaged);
    }

    #[test]
    fn a_legacy_value_still_opens() {
        let (lock, key) = legacy_lock(GOOD, "r1");
        let sealed = seal_legacy(&key, "r1", b"old");
        let again = unlock_legacy(&lock, GOOD, "r1").unwrap();
        assert_eq!(open(&again, "r1", "any", &sealed).unwrap(), b"old");
        assert_eq!(unlock_legacy(&lock, "清风廉政2027", "r1").unwrap_err(), SealError::WrongPassphrase);
    }

    #[test]
    fn a_lock_id_names_a_sane_cost_only() {
        assert!(Kdf::of("argon2id-m65536-t3-AAAAAAAAAAAAAAAAAAAAAA").is_some());
        assert!(Kdf::of("argon2id-m4194304-t3-AAAAAAAAAAAAAAAAAAAAAA").is_none(), "4 GiB");
        assert!(Kdf::of("argon2id-m65536-t1000-AAAAAAAAAAAAAAAAAAAAAA").is_none());
        assert!(Kdf::of("argon2id-m65536-t3-AAAA").is_none(), "a short salt");
        assert!(Kdf::of("").is_none());
    }

    #[test]
    fn each_sealing_differs_and_easy_passphrases_are_refused() {
        let (lock, _, key) = new_lock(GOOD, "r").unwrap();
        let a = seal(&key, &lock, "r", "c", b"same").unwrap();
        let b = seal(&key, &lock, "r", "c", b"same").unwrap();
        assert_ne!(a, b, "a fresh nonce each time");
        for weak in ["1234567", "12345678901234", "password1234", "aaaaaaaaaaaaaaaa", "13800000000", "2026-11-20"] {
            assert_eq!(new_lock(weak, "r").unwrap_err(), SealError::TooWeak, "{weak}");
        }
        for strong in [GOOD, "Qingfeng@Lz#2026", "东山小学举报箱"] {
            assert!(strength_bits(strong) >= MIN_BITS, "{strong}: {}", strength_bits(strong));
        }
    }

    #[test]
    fn a_generated_passphrase_is_six_common_characters_and_strong() {
        let a = generate_passphrase().unwrap();
        assert_eq!(a.chars().count(), GENERATED_CHARS + 1);
        assert_eq!(a.chars().nth(3), Some('-'));
        assert!(a.chars().filter(|&c| c != '-').all(|c| WORDS.contains(c)));
        assert_ne!(a, generate_passphrase().unwrap());
        assert_eq!(WORDS.trim().chars().count(), 2048);
        assert!(strength_bits(&a) >= MIN_BITS);
    }
}
