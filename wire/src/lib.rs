//! The messages of the automerge-repo sync protocol, as Qingfeng's browser client and relay
//! exchange them over a WebSocket (CBOR maps with string keys), plus Qingfeng's one addition,
//! [`Message::Auth`], and the mapping between a register's id and its automerge-repo document id.
//!
//! Plain Rust with no I/O: the browser's worker and the relay both use it, and it is tested
//! natively.

use minicbor::data::Type;
use minicbor::{Decoder, Encoder};
use sha2::{Digest, Sha256};

/// The only protocol version automerge-repo speaks today.
pub const PROTOCOL_VERSION: &str = "1";
/// The `type` of Qingfeng's access message.
pub const AUTH_TYPE: &str = "qingfeng-auth";

/// An automerge-repo document id for a register id (a UUID): the UUID's 16 bytes in bs58check,
/// as automerge-repo names its documents. `None` for an id that is not a UUID.
pub fn document_id(register_id: &str) -> Option<String> {
    let uuid = uuid::Uuid::parse_str(register_id).ok()?;
    let bytes = uuid.as_bytes();
    let mut checked = bytes.to_vec();
    checked.extend_from_slice(&checksum(bytes));
    Some(bs58::encode(checked).into_string())
}

/// The register id (a UUID in its hyphenated lower-case form) a document id stands for.
pub fn register_id(document_id: &str) -> Option<String> {
    let bytes = bs58::decode(document_id).into_vec().ok()?;
    let (payload, check) = bytes.split_at_checked(16)?;
    if check != checksum(payload) {
        return None;
    }
    Some(uuid::Uuid::from_slice(payload).ok()?.hyphenated().to_string())
}

/// The register id of a register made with founder proof `proof` (a random secret the founding
/// browser keeps): the first 16 bytes of SHA-256(`qingfeng-founder-v1` ‖ proof), as a UUID of
/// version 8. Anyone may know the id; only the holder of the proof can claim the register's
/// document on a relay that does not have it yet ([`proves_founder`]).
pub fn founded_register_id(proof: &str) -> String {
    let digest = Sha256::new().chain_update(b"qingfeng-founder-v1\0").chain_update(proof.as_bytes()).finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    uuid::Uuid::from_bytes(bytes).hyphenated().to_string()
}

/// Whether a claim of `document_id` must prove its founder: the document of a register made
/// with a founder proof. Registers made before (random ids) are claimed by their first secret.
pub fn needs_founder(document_id: &str) -> bool {
    register_id(document_id).and_then(|id| uuid::Uuid::parse_str(&id).ok()).is_some_and(|id| id.get_version_num() == 8)
}

/// Whether `proof` is the founder proof of `document_id`'s register.
pub fn proves_founder(document_id: &str, proof: &str) -> bool {
    register_id(document_id).is_some_and(|id| id == founded_register_id(proof))
}

/// Whether `id` is a well-formed automerge-repo document id (16 bytes with a valid checksum).
pub fn is_document_id(id: &str) -> bool {
    register_id(id).is_some()
}

fn checksum(payload: &[u8]) -> [u8; 4] {
    let twice = Sha256::digest(Sha256::digest(payload));
    [twice[0], twice[1], twice[2], twice[3]]
}

/// One message of the protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// The connecting peer introduces itself.
    Join { sender_id: String, storage_id: Option<String>, ephemeral: bool, versions: Vec<String> },
    /// The accepting peer answers a join.
    Peer { sender_id: String, target_id: String, version: String },
    /// The sender has no copy of the document and asks for it (carries a sync message).
    Request { document_id: String, sender_id: String, target_id: String, data: Vec<u8> },
    /// An automerge sync message about a document.
    Sync { document_id: String, sender_id: String, target_id: String, data: Vec<u8> },
    /// The sender does not have the document (or will not share it).
    DocUnavailable { document_id: String, sender_id: String, target_id: String },
    /// Qingfeng's access message: the secret of a document, given before asking for it; with
    /// `new_secret`, a request to replace the secret; with `founder`, the proof that the sender
    /// made the register ([`founded_register_id`]), which a relay asks of whoever claims a
    /// founded register. Never forwarded, never logged.
    Auth { document_id: String, secret: String, new_secret: Option<String>, founder: Option<String> },
    /// The sender reports a protocol error and will close.
    Error { message: String },
    /// Any other well-formed message: its `type` and, when it names one, its document.
    Other { kind: String, document_id: Option<String> },
}

impl Message {
    /// The message's `type` field.
    pub fn kind(&self) -> &str {
        match self {
            Message::Join { .. } => "join",
            Message::Peer { .. } => "peer",
            Message::Request { .. } => "request",
            Message::Sync { .. } => "sync",
            Message::DocUnavailable { .. } => "doc-unavailable",
            Message::Auth { .. } => AUTH_TYPE,
            Message::Error { .. } => "error",
            Message::Other { kind, .. } => kind,
        }
    }

    /// The document the message is about, if any.
    pub fn document_id(&self) -> Option<&str> {
        match self {
            Message::Request { document_id, .. }
            | Message::Sync { document_id, .. }
            | Message::DocUnavailable { document_id, .. }
            | Message::Auth { document_id, .. } => Some(document_id),
            Message::Other { document_id, .. } => document_id.as_deref(),
            Message::Join { .. } | Message::Peer { .. } | Message::Error { .. } => None,
        }
    }

    /// The message as CBOR, as automerge-repo's `cbor-x` writes it.
    pub fn encode(&self) -> Vec<u8> {
        let mut e = Encoder::new(Vec::new());
        // Writing to a Vec cannot fail.
        let _ = self.write(&mut e);
        e.into_writer()
    }

    fn write(&self, e: &mut Encoder<Vec<u8>>) -> Result<(), minicbor::encode::Error<core::convert::Infallible>> {
        match self {
            Message::Join { sender_id, storage_id, ephemeral, versions } => {
                e.map(4)?.str("type")?.str("join")?.str("senderId")?.str(sender_id)?;
                e.str("peerMetadata")?.map(if storage_id.is_some() { 2 } else { 1 })?;
                if let Some(storage_id) = storage_id {
                    e.str("storageId")?.str(storage_id)?;
                }
                e.str("isEphemeral")?.bool(*ephemeral)?;
                e.str("supportedProtocolVersions")?.array(versions.len() as u64)?;
                for version in versions {
                    e.str(version)?;
                }
            }
            Message::Peer { sender_id, target_id, version } => {
                e.map(5)?.str("type")?.str("peer")?.str("senderId")?.str(sender_id)?;
                e.str("targetId")?.str(target_id)?.str("selectedProtocolVersion")?.str(version)?;
                e.str("peerMetadata")?.map(1)?.str("isEphemeral")?.bool(false)?;
            }
            Message::Request { document_id, sender_id, target_id, data }
            | Message::Sync { document_id, sender_id, target_id, data } => {
                e.map(5)?.str("type")?.str(self.kind())?.str("documentId")?.str(document_id)?;
                e.str("senderId")?.str(sender_id)?.str("targetId")?.str(target_id)?.str("data")?.bytes(data)?;
            }
            Message::DocUnavailable { document_id, sender_id, target_id } => {
                e.map(4)?.str("type")?.str("doc-unavailable")?.str("documentId")?.str(document_id)?;
                e.str("senderId")?.str(sender_id)?.str("targetId")?.str(target_id)?;
            }
            Message::Auth { document_id, secret, new_secret, founder } => {
                e.map(3 + u64::from(new_secret.is_some()) + u64::from(founder.is_some()))?;
                e.str("type")?.str(AUTH_TYPE)?.str("documentId")?.str(document_id)?.str("secret")?.str(secret)?;
                if let Some(new_secret) = new_secret {
                    e.str("newSecret")?.str(new_secret)?;
                }
                if let Some(founder) = founder {
                    e.str("founder")?.str(founder)?;
                }
            }
            Message::Error { message } => {
                e.map(2)?.str("type")?.str("error")?.str("message")?.str(message)?;
            }
            Message::Other { kind, document_id } => {
                e.map(if document_id.is_some() { 2 } else { 1 })?.str("type")?.str(kind)?;
                if let Some(document_id) = document_id {
                    e.str("documentId")?.str(document_id)?;
                }
            }
        }
        Ok(())
    }

    /// Reads one message. Unknown fields are skipped (nested at most [`MAX_DEPTH`] deep, of
    /// definite length); a missing field a type needs, a field of the wrong kind, trailing bytes
    /// or anything that is not a CBOR map is an error.
    pub fn decode(bytes: &[u8]) -> Result<Message, WireError> {
        let mut d = Decoder::new(bytes);
        let mut fields = Fields::default();
        let len = d.map().map_err(|_| WireError::NotAMap)?;
        each_entry(&mut d, len, |d, key| {
            match key {
                "type" => fields.kind = Some(d.str()?.to_string()),
                "senderId" => fields.sender_id = Some(d.str()?.to_string()),
                "targetId" => fields.target_id = Some(d.str()?.to_string()),
                "documentId" => fields.document_id = Some(d.str()?.to_string()),
                "selectedProtocolVersion" => fields.version = Some(d.str()?.to_string()),
                "message" => fields.message = Some(d.str()?.to_string()),
                "secret" => fields.secret = Some(d.str()?.to_string()),
                "newSecret" => fields.new_secret = Some(d.str()?.to_string()),
                "founder" => fields.founder = Some(d.str()?.to_string()),
                "data" => fields.data = Some(read_bytes(d)?),
                "supportedProtocolVersions" => {
                    let mut versions = Vec::new();
                    for version in d.array_iter::<&str>()? {
                        versions.push(version?.to_string());
                    }
                    fields.versions = Some(versions);
                }
                "peerMetadata" => read_metadata(d, &mut fields)?,
                _ => skip(d, 0)?,
            }
            Ok(())
        })?;
        if d.position() != bytes.len() {
            return Err(WireError::Trailing);
        }
        fields.into_message()
    }
}

/// A byte string, with or without the typed-array tag `cbor-x` may put before it.
fn read_bytes(d: &mut Decoder<'_>) -> Result<Vec<u8>, WireError> {
    if d.datatype()? == Type::Tag {
        d.tag()?;
    }
    Ok(d.bytes()?.to_vec())
}

fn read_metadata(d: &mut Decoder<'_>, fields: &mut Fields) -> Result<(), WireError> {
    if d.datatype()? != Type::Map {
        return skip(d, 0);
    }
    let len = d.map()?;
    each_entry(d, len, |d, key| {
        match key {
            "storageId" if d.datatype()? == Type::String => fields.storage_id = Some(d.str()?.to_string()),
            "isEphemeral" if d.datatype()? == Type::Bool => fields.ephemeral = d.bool()?,
            _ => skip(d, 0)?,
        }
        Ok(())
    })
}

/// How deep an unknown field may nest arrays, maps and tags. automerge-repo's own messages nest
/// two levels; a peer sending thousands costs the relay nothing more than this.
pub const MAX_DEPTH: usize = 8;

/// Skips one value of an unknown field: containers only of definite length and at most
/// [`MAX_DEPTH`] deep (minicbor's own `skip` keeps a heap stack that grows with the input).
fn skip(d: &mut Decoder<'_>, depth: usize) -> Result<(), WireError> {
    if depth > MAX_DEPTH {
        return Err(WireError::TooDeep);
    }
    match d.datatype()? {
        Type::Array => {
            let len = d.array()?.ok_or(WireError::Indefinite)?;
            (0..len).try_for_each(|_| skip(d, depth + 1))
        }
        Type::Map => {
            let len = d.map()?.ok_or(WireError::Indefinite)?;
            (0..len).try_for_each(|_| skip(d, depth + 1).and_then(|()| skip(d, depth + 1)))
        }
        Type::Tag => {
            d.tag()?;
            skip(d, depth + 1)
        }
        Type::ArrayIndef | Type::MapIndef | Type::BytesIndef | Type::StringIndef | Type::Break => {
            Err(WireError::Indefinite)
        }
        _ => Ok(d.skip()?),
    }
}

/// Calls `f` with each key of a map whose header (`len` entries, or `None` for an
/// indefinite-length map) was just read; `f` reads the value.
fn each_entry<'b>(
    d: &mut Decoder<'b>,
    len: Option<u64>,
    mut f: impl FnMut(&mut Decoder<'b>, &'b str) -> Result<(), WireError>,
) -> Result<(), WireError> {
    let mut index = 0u64;
    loop {
        match len {
            Some(len) if index == len => return Ok(()),
            None if d.datatype()? == Type::Break => return Ok(d.skip()?),
            _ => {}
        }
        index += 1;
        let key = d.str()?;
        f(d, key)?;
    }
}

#[derive(Default)]
struct Fields {
    kind: Option<String>,
    sender_id: Option<String>,
    target_id: Option<String>,
    document_id: Option<String>,
    version: Option<String>,
    message: Option<String>,
    secret: Option<String>,
    new_secret: Option<String>,
    founder: Option<String>,
    data: Option<Vec<u8>>,
    versions: Option<Vec<String>>,
    storage_id: Option<String>,
    ephemeral: bool,
}

impl Fields {
    fn into_message(self) -> Result<Message, WireError> {
        fn need<T>(field: Option<T>, name: &'static str) -> Result<T, WireError> {
            field.ok_or(WireError::Missing(name))
        }
        let kind = need(self.kind, "type")?;
        Ok(match kind.as_str() {
            "join" => Message::Join {
                sender_id: need(self.sender_id, "senderId")?,
                storage_id: self.storage_id,
                ephemeral: self.ephemeral,
                versions: self.versions.unwrap_or_default(),
            },
            "peer" => Message::Peer {
                sender_id: need(self.sender_id, "senderId")?,
                target_id: need(self.target_id, "targetId")?,
                version: need(self.version, "selectedProtocolVersion")?,
            },
            "request" | "sync" => {
                let document_id = need(self.document_id, "documentId")?;
                let sender_id = need(self.sender_id, "senderId")?;
                let target_id = need(self.target_id, "targetId")?;
                let data = need(self.data, "data")?;
                if kind == "request" {
                    Message::Request { document_id, sender_id, target_id, data }
                } else {
                    Message::Sync { document_id, sender_id, target_id, data }
                }
            }
            "doc-unavailable" => Message::DocUnavailable {
                document_id: need(self.document_id, "documentId")?,
                sender_id: need(self.sender_id, "senderId")?,
                target_id: need(self.target_id, "targetId")?,
            },
            AUTH_TYPE => Message::Auth {
                document_id: need(self.document_id, "documentId")?,
                secret: need(self.secret, "secret")?,
                new_secret: self.new_secret,
                founder: self.founder,
            },
            "error" => Message::Error { message: self.message.unwrap_or_default() },
            _ => Message::Other { kind, document_id: self.document_id },
        })
    }
}

/// Why bytes are not a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WireError {
    /// Not CBOR, or CBOR of the wrong shape.
    Cbor(String),
    /// The message is not a map.
    NotAMap,
    /// Bytes follow the message.
    Trailing,
    /// A field the message's type needs is absent.
    Missing(&'static str),
    /// An unknown field nests deeper than [`MAX_DEPTH`].
    TooDeep,
    /// An unknown field holds an item of indefinite length.
    Indefinite,
}

impl core::fmt::Display for WireError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            WireError::Cbor(e) => write!(f, "malformed CBOR: {e}"),
            WireError::NotAMap => f.write_str("the message is not a CBOR map"),
            WireError::Trailing => f.write_str("bytes follow the message"),
            WireError::Missing(field) => write!(f, "the message has no {field}"),
            WireError::TooDeep => write!(f, "an unknown field nests deeper than {MAX_DEPTH} levels"),
            WireError::Indefinite => f.write_str("an unknown field holds an item of indefinite length"),
        }
    }
}

impl std::error::Error for WireError {}

impl From<minicbor::decode::Error> for WireError {
    fn from(e: minicbor::decode::Error) -> Self {
        WireError::Cbor(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn register_ids_map_to_document_ids_and_back() {
        let register = "0e9f6c2a-7d1b-4f5e-9a3c-2b8d4e6f1a0c";
        let doc = document_id(register).expect("a UUID maps");
        assert!(is_document_id(&doc));
        assert_eq!(register_id(&doc).as_deref(), Some(register));
        assert_eq!(document_id("not a uuid"), None);
        // A changed character fails the checksum.
        let mut broken: Vec<char> = doc.chars().collect();
        broken[3] = if broken[3] == '2' { '3' } else { '2' };
        assert_eq!(register_id(&broken.into_iter().collect::<String>()), None);
    }

    #[test]
    fn a_founded_register_is_claimed_with_its_proof_only() {
        let register = founded_register_id("proof-of-the-founder");
        let document = document_id(&register).expect("a founded id is a UUID");
        assert!(needs_founder(&document));
        assert!(proves_founder(&document, "proof-of-the-founder"));
        assert!(!proves_founder(&document, "a guess"));
        assert_ne!(founded_register_id("another proof"), register);
        // A register made before founder proofs (a random id) is claimed as it always was.
        let older = document_id("0f8e2b54-3c1d-4a7e-9b2f-5d6c7e8f9a0b").unwrap();
        assert!(!needs_founder(&older));
        assert!(!proves_founder(&older, "proof-of-the-founder"));
    }

    #[test]
    fn every_message_round_trips() {
        let messages = [
            Message::Join {
                sender_id: "a".into(),
                storage_id: Some("s".into()),
                ephemeral: false,
                versions: vec!["1".into()],
            },
            Message::Join { sender_id: "a".into(), storage_id: None, ephemeral: true, versions: vec![] },
            Message::Peer { sender_id: "r".into(), target_id: "a".into(), version: "1".into() },
            Message::Request { document_id: "d".into(), sender_id: "a".into(), target_id: "r".into(), data: vec![1] },
            Message::Sync { document_id: "d".into(), sender_id: "a".into(), target_id: "r".into(), data: vec![2, 3] },
            Message::DocUnavailable { document_id: "d".into(), sender_id: "r".into(), target_id: "a".into() },
            Message::Auth { document_id: "d".into(), secret: "k".into(), new_secret: None, founder: None },
            Message::Auth { document_id: "d".into(), secret: "k".into(), new_secret: Some("n".into()), founder: None },
            Message::Auth { document_id: "d".into(), secret: "k".into(), new_secret: None, founder: Some("f".into()) },
            Message::Error { message: "bad".into() },
            Message::Other { kind: "ephemeral".into(), document_id: Some("d".into()) },
            Message::Other { kind: "leave".into(), document_id: None },
        ];
        for message in messages {
            assert_eq!(Message::decode(&message.encode()), Ok(message.clone()), "{message:?}");
        }
    }

    #[test]
    fn unknown_fields_are_skipped_only_when_shallow_and_definite() {
        // automerge-repo's remote-heads-changed: a map of maps in a field the relay does not read.
        let mut bytes = Vec::new();
        let mut e = minicbor::Encoder::new(&mut bytes);
        e.map(3).unwrap().str("type").unwrap().str("remote-heads-changed").unwrap();
        e.str("documentId").unwrap().str("d").unwrap();
        e.str("newHeads").unwrap().map(1).unwrap().str("storage").unwrap().map(2).unwrap();
        e.str("heads").unwrap().array(1).unwrap().str("h").unwrap().str("timestamp").unwrap().u64(1).unwrap();
        let known = Message::Other { kind: "remote-heads-changed".into(), document_id: Some("d".into()) };
        assert_eq!(Message::decode(&bytes), Ok(known));
        // A million nested arrays in an unknown field: refused at once, with nothing allocated
        // for each level.
        let mut deep = vec![0xa2, 0x64, b't', b'y', b'p', b'e', 0x65, b'l', b'e', b'a', b'v', b'e', 0x61, b'x'];
        deep.extend(std::iter::repeat_n(0x81, 1_000_000));
        deep.push(0x00);
        assert_eq!(Message::decode(&deep), Err(WireError::TooDeep));
        // Indefinite-length items in an unknown field.
        let mut indefinite = deep[..14].to_vec();
        indefinite.extend([0x9f, 0x01, 0xff]);
        assert_eq!(Message::decode(&indefinite), Err(WireError::Indefinite));
    }

    #[test]
    fn bad_bytes_are_errors_not_panics() {
        assert_eq!(Message::decode(&[]), Err(WireError::NotAMap));
        assert_eq!(Message::decode(&[0x01]), Err(WireError::NotAMap));
        assert!(matches!(Message::decode(&[0xa1, 0x64, b't', b'y']), Err(WireError::Cbor(_))));
        let sync =
            Message::Sync { document_id: "d".into(), sender_id: "a".into(), target_id: "r".into(), data: vec![] };
        let mut bytes = sync.encode();
        bytes.push(0);
        assert_eq!(Message::decode(&bytes), Err(WireError::Trailing));
        let no_data = Message::Other { kind: "sync".into(), document_id: Some("d".into()) }.encode();
        assert!(matches!(Message::decode(&no_data), Err(WireError::Missing(_))));
        // Every prefix of a valid message is refused cleanly.
        let whole = sync.encode();
        for end in 0..whole.len() {
            assert!(Message::decode(&whole[..end]).is_err(), "prefix of {end} bytes");
        }
    }

    #[test]
    fn tagged_byte_strings_are_read() {
        // cbor-x may tag typed arrays (tag 64 = uint8 array).
        let mut e = Encoder::new(Vec::new());
        e.map(5).unwrap().str("type").unwrap().str("sync").unwrap().str("documentId").unwrap().str("d").unwrap();
        e.str("senderId").unwrap().str("a").unwrap().str("targetId").unwrap().str("r").unwrap();
        e.str("data").unwrap().tag(minicbor::data::Tag::new(64)).unwrap().bytes(&[9]).unwrap();
        let message = Message::decode(&e.into_writer()).unwrap();
        assert!(matches!(message, Message::Sync { data, .. } if data == vec![9]));
    }
}
