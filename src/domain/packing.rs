//! The compact form of stored data: the workspace's JSON (or, for records,
//! their binary encoding) compressed with LZ4 and written as text, 15 bits
//! per character.
//!
//! localStorage holds text, and a browser gives an origin about 5 MiB of it.
//! JSON of 10 000 deals with their tasks is several times that; compressed
//! and packed it fits. The characters used (U+0800 to U+87FF) are never
//! surrogates, so the text survives every string conversion on the way.

use std::borrow::Cow;
use std::fmt;

/// Marks a packed JSON value; anything unmarked is read as plain JSON (earlier builds).
pub const PACKED_PREFIX: &str = "lz4.1:";
/// Marks packed bytes that are not text (records in a binary encoding).
pub const BINARY_PREFIX: &str = "bin.1:";

const BASE: u32 = 0x0800;
/// Refuse to unpack more than this (a damaged length must not exhaust memory).
pub const MAX_UNPACKED: usize = 256 * 1024 * 1024;

/// Why a packed value could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PackError {
    /// A character outside the packing's range, or a truncated value.
    Damaged,
    /// The decompressed data is not what was packed.
    Decompress(String),
    /// The declared size is beyond [`MAX_UNPACKED`].
    TooLarge,
}

impl fmt::Display for PackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PackError::Damaged => write!(f, "the stored text is damaged"),
            PackError::Decompress(e) => write!(f, "the stored data does not decompress ({e})"),
            PackError::TooLarge => write!(f, "the stored data claims an impossible size"),
        }
    }
}

fn to_chars(bytes: &[u8], out: &mut String) {
    let mut acc: u32 = 0;
    let mut bits = 0;
    for &b in bytes {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        if bits >= 15 {
            bits -= 15;
            let v = (acc >> bits) & 0x7FFF;
            out.push(char::from_u32(BASE + v).unwrap_or('\u{800}'));
        }
    }
    if bits > 0 {
        let v = (acc << (15 - bits)) & 0x7FFF;
        out.push(char::from_u32(BASE + v).unwrap_or('\u{800}'));
    }
}

fn from_chars(text: &str, len: usize) -> Result<Vec<u8>, PackError> {
    // Every character of the range is three bytes of UTF-8 (a lead byte
    // 0xE0-0xEF and two continuation bytes), so the text is read three bytes
    // at a time instead of decoded character by character: a shard is
    // thousands of characters, and reading them is part of opening the app.
    // The first character of any other length starts a chunk with a byte
    // that is not such a lead byte, and is refused there.
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(3) || bytes.len() / 3 != (len * 8).div_ceil(15) {
        // Not exactly the characters `len` bytes take (15 bits each).
        return Err(PackError::Damaged);
    }
    // The last character's padding may make up one byte too many.
    let mut out = Vec::with_capacity(len + 1);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in bytes.chunks_exact(3) {
        if c[0] & 0xF0 != 0xE0 {
            return Err(PackError::Damaged);
        }
        let code =
            (u32::from(c[0] & 0x0F) << 12) | (u32::from(c[1] & 0x3F) << 6) | u32::from(c[2] & 0x3F);
        let v = code
            .checked_sub(BASE)
            .filter(|v| *v <= 0x7FFF)
            .ok_or(PackError::Damaged)?;
        acc = (acc << 15) | v;
        bits += 15;
        while bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
        acc &= (1 << bits) - 1;
    }
    out.truncate(len);
    Ok(out)
}

/// Packs `json` for storage.
pub fn pack(json: &str) -> String {
    pack_with(PACKED_PREFIX, json.as_bytes())
}

/// Packs bytes that are not text for storage.
pub fn pack_binary(bytes: &[u8]) -> String {
    pack_with(BINARY_PREFIX, bytes)
}

fn pack_with(prefix: &str, bytes: &[u8]) -> String {
    let compressed = lz4_flex::compress_prepend_size(bytes);
    let mut out = String::with_capacity(prefix.len() + 3 + compressed.len() * 3 / 5 + 2);
    out.push_str(prefix);
    // The compressed length, in the first three characters.
    let len = compressed.len() as u64;
    to_chars(
        &[
            (len >> 32) as u8,
            (len >> 24) as u8,
            (len >> 16) as u8,
            (len >> 8) as u8,
            len as u8,
        ],
        &mut out,
    );
    to_chars(&compressed, &mut out);
    out
}

/// A stored value, unpacked.
#[derive(Debug, PartialEq, Eq)]
pub enum Unpacked<'a> {
    /// JSON text (packed, or plain from earlier builds).
    Json(Cow<'a, str>),
    /// Bytes packed with [`pack_binary`].
    Binary(Vec<u8>),
}

/// A stored value as JSON text or bytes, whichever it was packed from.
pub fn unpack_any(stored: &str) -> Result<Unpacked<'_>, PackError> {
    if let Some(body) = stored.strip_prefix(BINARY_PREFIX) {
        return unpack_body(body).map(Unpacked::Binary);
    }
    unpack(stored).map(Unpacked::Json)
}

/// The JSON text of a stored value: unpacked if it was packed, as it is otherwise.
pub fn unpack(stored: &str) -> Result<Cow<'_, str>, PackError> {
    let Some(body) = stored.strip_prefix(PACKED_PREFIX) else {
        return Ok(Cow::Borrowed(stored));
    };
    String::from_utf8(unpack_body(body)?)
        .map(Cow::Owned)
        .map_err(|e| PackError::Decompress(e.to_string()))
}

fn unpack_body(body: &str) -> Result<Vec<u8>, PackError> {
    let head: String = body.chars().take(3).collect();
    let len_bytes = from_chars(&head, 5)?;
    let len = len_bytes.iter().fold(0u64, |a, b| (a << 8) | u64::from(*b)) as usize;
    if !(4..=MAX_UNPACKED).contains(&len) {
        return Err(PackError::TooLarge);
    }
    let rest = &body[head.len()..];
    let compressed = from_chars(rest, len)?;
    let declared =
        u32::from_le_bytes([compressed[0], compressed[1], compressed[2], compressed[3]]) as usize;
    if declared > MAX_UNPACKED {
        return Err(PackError::TooLarge);
    }
    lz4_flex::decompress_size_prepended(&compressed)
        .map_err(|e| PackError::Decompress(e.to_string()))
}
