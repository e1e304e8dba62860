//! Interned names: the modules code imports, the environment variables it reads, the keys it
//! binds. A monorepo repeats a handful of them in every file (`os`, `fmt`, `PORT`), so each is
//! stored once for the whole run and a fact holds a 4-byte handle to it.
//!
//! Interned strings live until the process ends (a run is short; a test process interns the
//! names of its fixtures). Reading a name takes no lock: the table is a list of chunks, each
//! twice the size of the one before, that are written once and never move. Equality compares
//! handles; ordering and hashing use the text, so that maps and sorts keyed by names do not
//! depend on the order threads happened to intern them (output stays deterministic).

use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::{Mutex, OnceLock};

/// Chunk `k` holds `FIRST << k` names; 26 chunks cover every `u32` handle below `u32::MAX - 64`.
const FIRST: u64 = 64;
const CHUNKS: usize = 26;

type Chunk = Box<[OnceLock<&'static str>]>;

static TABLE: [OnceLock<Chunk>; CHUNKS] = [const { OnceLock::new() }; CHUNKS];

/// Handles by text, and how many there are; taken only to intern.
static IDS: Mutex<Option<foldhash::HashMap<&'static str, u32>>> = Mutex::new(None);

/// The chunk and slot of a handle.
fn locate(id: u32) -> (usize, usize) {
    let n = u64::from(id) + FIRST;
    let bit = 63 - n.leading_zeros() as usize; // n >= 64, so bit >= 6
    let k = bit - FIRST.trailing_zeros() as usize;
    (k, (n - (1u64 << bit)) as usize)
}

/// The handle, plus one: never zero, so that an `Option<Name>` is four bytes too.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Name(std::num::NonZeroU32);

impl Name {
    fn of(id: u32) -> Name {
        Name(std::num::NonZeroU32::new(id.wrapping_add(1)).unwrap_or(std::num::NonZeroU32::MIN))
    }

    fn id(self) -> u32 {
        self.0.get() - 1
    }

    pub fn new(s: &str) -> Name {
        let mut ids = IDS
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let ids = ids.get_or_insert_with(|| {
            let mut m = foldhash::HashMap::default();
            // handle 0 is the empty name (`Default`), interned before any other
            m.insert("", 0);
            store(0, "");
            m
        });
        if let Some(id) = ids.get(s) {
            return Name::of(*id);
        }
        let id = ids.len() as u32;
        let (k, _) = locate(id);
        if k >= CHUNKS {
            // four billion names: memory runs out long before; never reached
            return Name::default();
        }
        let text: &'static str = Box::leak(s.into());
        store(id, text);
        ids.insert(text, id);
        Name::of(id)
    }

    pub fn as_str(&self) -> &'static str {
        let (k, slot) = locate(self.id());
        TABLE
            .get(k)
            .and_then(OnceLock::get)
            .and_then(|c| c.get(slot))
            .and_then(OnceLock::get)
            .copied()
            .unwrap_or("")
    }
}

/// Write a name into its slot (under `IDS`' lock).
fn store(id: u32, text: &'static str) {
    let (k, slot) = locate(id);
    let chunk = TABLE[k].get_or_init(|| {
        (0..(FIRST << k))
            .map(|_| OnceLock::new())
            .collect::<Vec<_>>()
            .into_boxed_slice()
    });
    let _ = chunk[slot].set(text);
}

impl Default for Name {
    /// The empty name: handle 0, which reads as "" even before anything is interned.
    fn default() -> Name {
        Name::of(0)
    }
}

impl std::ops::Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::borrow::Borrow<str> for Name {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl Hash for Name {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl PartialOrd for Name {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Name {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        if self.0 == other.0 {
            return std::cmp::Ordering::Equal;
        }
        self.as_str().cmp(other.as_str())
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Name {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<Name> for str {
    fn eq(&self, other: &Name) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Name> for &str {
    fn eq(&self, other: &Name) -> bool {
        *self == other.as_str()
    }
}

impl From<&str> for Name {
    fn from(s: &str) -> Name {
        Name::new(s)
    }
}

impl From<&String> for Name {
    fn from(s: &String) -> Name {
        Name::new(s)
    }
}

impl From<compact_str::CompactString> for Name {
    fn from(s: compact_str::CompactString) -> Name {
        Name::new(&s)
    }
}

impl From<&compact_str::CompactString> for Name {
    fn from(s: &compact_str::CompactString) -> Name {
        Name::new(s)
    }
}

impl From<String> for Name {
    fn from(s: String) -> Name {
        Name::new(&s)
    }
}

impl<'a> FromIterator<&'a str> for Name {
    fn from_iter<I: IntoIterator<Item = &'a str>>(iter: I) -> Name {
        Name::new(&iter.into_iter().collect::<String>())
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl serde::Serialize for Name {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Name {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Name, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Name;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Name, E> {
                Ok(Name::new(v))
            }
        }
        d.deserialize_str(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    #[test]
    fn handles_map_to_chunks_without_gaps_or_overlap() {
        let mut next = (0usize, 0usize);
        for id in 0..100_000u32 {
            let at = locate(id);
            assert_eq!(at, next, "{id}");
            next = if at.1 + 1 == (FIRST << at.0) as usize {
                (at.0 + 1, 0)
            } else {
                (at.0, at.1 + 1)
            };
        }
        assert_eq!(locate(u32::MAX - 64).0, CHUNKS - 1);
    }

    #[test]
    fn equal_text_is_one_name_and_order_follows_the_text() {
        let a = Name::new("zeta-ü");
        let b = Name::from(String::from("zeta-ü"));
        let c = Name::new("alpha");
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(&*a, "zeta-ü");
        assert!(c < a, "ordered by text, not by when it was interned");
        assert_eq!(Name::default().as_str(), "");

        assert_eq!(
            foldhash::fast::FixedState::with_seed(1).hash_one(a),
            foldhash::fast::FixedState::with_seed(1).hash_one("zeta-ü"),
            "hashes as its text"
        );
    }

    #[test]
    fn names_interned_from_many_threads_agree() {
        let names: Vec<String> = (0..2_000).map(|i| format!("VAR_{}", i % 700)).collect();
        let got: Vec<Vec<Name>> = std::thread::scope(|s| {
            let hs: Vec<_> = (0..4)
                .map(|_| s.spawn(|| names.iter().map(Name::from).collect::<Vec<_>>()))
                .collect();
            hs.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for g in &got[1..] {
            assert_eq!(g, &got[0]);
        }
        for (n, s) in got[0].iter().zip(&names) {
            assert_eq!(n.as_str(), s);
        }
    }

    #[test]
    fn round_trips_through_serde() {
        let n = Name::new("github.com/gin-gonic/gin");
        let json = serde_json::to_string(&n).unwrap();
        assert_eq!(json, "\"github.com/gin-gonic/gin\"");
        let back: Name = serde_json::from_str(&json).unwrap();
        assert_eq!(back, n);
    }
}
