//! The facts cache: what parsing and scanning each source file found, kept between runs so
//! that a second run parses only the files that changed.
//!
//! An entry is keyed by a 128-bit hash of the build that wrote it (its source, lockfile and
//! features), the language, how deep the file is read (parsed for its facts, or only scanned:
//! test code), the file's name (facts depend on it: test files, entrypoints) and its content;
//! the value is the file's facts, serialized. One cache file per scanned root
//! lives in the user's cache directory (`$XDG_CACHE_HOME/twelve`, `~/.cache/twelve`), never in
//! the scanned repository: twelve reads repositories, it does not write into them (they may be
//! mounted read-only). The file is replaced atomically (written beside, then renamed) and
//! checksummed, so a concurrent or interrupted run leaves the old file or the new one, and a
//! damaged file is a cold cache, never a wrong answer. Entries this run did not use are dropped
//! when it writes. Entries a run makes wait in a spill file beside the cache file (`<name>.<pid>.new`,
//! removed when the run ends; one a run killed by a signal left is removed a day later), not in
//! memory.
//!
//! A second table lets a warm run skip reading a file at all, as ruff and git do: the file's
//! metadata (path, size, modification and change times to the nanosecond, inode, device)
//! keys the content key it had. The change time cannot be set back by a user (a `touch -d`
//! or an `rsync -t` that restores the modification time still moves it), and metadata is
//! remembered only for files whose change time is two seconds older than the run, so an edit
//! in the same clock tick as the run's read (racy, in git's words) is never mistaken for the
//! content read.

use crate::lang::Lang;
use crate::parse::code::CodeFacts;
use crate::secrets::ShapeHit;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The build writing and reading the cache (see `build.rs`).
pub const BUILD_ID: &str = env!("TWELVE_BUILD_ID");

const MAGIC: &[u8; 8] = b"twelve\x02\x00";

/// How long a file must have been left alone before its metadata may stand for its content:
/// more than the coarsest file-system clock (FAT's two seconds).
const SETTLED: std::time::Duration = std::time::Duration::from_secs(2);

/// How much of a source file twelve reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// Its facts, parsed.
    Facts,
    /// Test, example and docs code, which no rule reads facts of: only what its text holds
    /// by its shape (secrets), never parsed.
    Shapes,
}

/// The key of a source file's facts.
pub fn key(lang: Lang, depth: Depth, file_name: &str, text: &str) -> u128 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(BUILD_ID.as_bytes());
    h.update(&[0]);
    h.update(&[lang as u8, depth as u8]);
    h.update(&[0]);
    h.update(file_name.as_bytes());
    h.update(&[0]);
    h.update(text.as_bytes());
    h.digest128()
}

/// The cache directory to use: `dir` when given, else the platform's user cache directory.
pub fn default_dir() -> Option<PathBuf> {
    let xdg = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute());
    xdg.or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .map(|d| d.join("twelve"))
}

/// What a source file is to twelve once read: its facts, the secrets its text holds by their
/// shape, and the span of its first line and its line count (what is kept of its text).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct SourceEntry {
    pub facts: CodeFacts,
    pub shapes: Vec<ShapeHit>,
    pub outline: (std::ops::Range<usize>, usize),
    /// The text starts with a generator's header ("Code generated … DO NOT EDIT").
    pub generated: bool,
    /// The text holds a `twelve:` comment: suppressions are read from the text, so it is kept.
    pub suppressions: bool,
}

/// The facts cache of one scanned root, for one run.
pub struct Cache {
    file: PathBuf,
    /// The cache file as read (empty when there was none).
    data: Vec<u8>,
    /// Content key and where its entry is in `data`, sorted by key (a sorted list, not a
    /// map: half the memory, and a monorepo's cache holds an entry per file).
    index: Vec<(u128, u32, u32)>,
    /// Metadata key → content key, as read, sorted by metadata key.
    stats: Vec<(u128, u128)>,
    /// What this run will write: the entries it used, old and new.
    used: Mutex<Vec<(u128, Entry)>>,
    /// And the metadata keys it used or learnt.
    used_stats: Mutex<Vec<(u128, u128)>>,
    /// Where new entries wait until `save` (see `Spill`).
    spill: Mutex<Spill>,
    fresh: std::sync::atomic::AtomicUsize,
    /// Files changed before this instant have settled (see `SETTLED`).
    settled_before: std::time::SystemTime,
}

enum Entry {
    /// At this byte range of the cache file read.
    Old(usize, usize),
    /// At this byte range of the spill file.
    Spilled(u64, u64),
    /// Here: the spill file could not be written.
    New(Vec<u8>),
}

/// New entries, written beside the cache file as they come instead of held until `save`:
/// a first run over a monorepo makes tens of megabytes of them, which would add to its peak.
/// The file is removed when the run's cache is dropped (`save` copies what it holds first).
/// Where it cannot be written (a read-only cache directory), entries stay in memory.
enum Spill {
    /// Not opened yet: no entry was new so far.
    Unopened(PathBuf),
    Open {
        path: PathBuf,
        file: std::io::BufWriter<std::fs::File>,
        len: u64,
    },
    Failed,
}

impl Spill {
    /// Write `bytes`; where they are in the spill file, or `None` when it cannot be written.
    fn put(&mut self, bytes: &[u8]) -> Option<(u64, u64)> {
        use std::io::Write;
        if let Spill::Unopened(path) = self {
            let path = std::mem::take(path);
            let opened = path
                .parent()
                .map_or(Ok(()), std::fs::create_dir_all)
                .and_then(|()| std::fs::File::create_new(&path));
            *self = match opened {
                Ok(f) => Spill::Open {
                    path,
                    file: std::io::BufWriter::new(f),
                    len: 0,
                },
                Err(_) => Spill::Failed,
            };
        }
        let Spill::Open { file, len, .. } = self else {
            return None;
        };
        let n = bytes.len() as u64;
        match file.write_all(bytes) {
            Ok(()) => {
                let at = *len;
                *len += n;
                Some((at, n))
            }
            // what was written before stays readable; nothing more is put here
            Err(_) => {
                *self = Spill::Failed;
                None
            }
        }
    }

    /// The spill file, flushed and open for reading (`None` when nothing was spilled or it
    /// cannot be read back: the entries in it are then not written).
    fn reader(&mut self) -> Option<std::fs::File> {
        use std::io::Write;
        let Spill::Open { path, file, .. } = self else {
            return None;
        };
        file.flush().ok()?;
        std::fs::File::open(path).ok()
    }
}

impl Drop for Spill {
    fn drop(&mut self) {
        if let Spill::Open { path, .. } = self {
            let _ = std::fs::remove_file(path);
        }
    }
}

impl Cache {
    /// Open the cache of `root` under `dir` (created on write). A missing, unreadable,
    /// damaged or foreign file is an empty cache.
    pub fn open(dir: &Path, root: &Path) -> Cache {
        let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let name = format!(
            "{:032x}.bin",
            xxhash_rust::xxh3::xxh3_128(root.to_string_lossy().as_bytes())
        );
        let file = dir.join(BUILD_ID).join(name);
        let spill = file.with_extension(format!("{}.new", std::process::id()));
        let data = std::fs::read(&file).unwrap_or_default();
        let (index, stats) = read_index(&data).unwrap_or_default();
        let data = if index.is_empty() { Vec::new() } else { data };
        // a run mostly uses again what the last one wrote: sized for that once
        let (used, used_stats) = (
            Vec::with_capacity(index.len()),
            Vec::with_capacity(stats.len()),
        );
        Cache {
            file,
            data,
            index,
            stats,
            used: Mutex::new(used),
            used_stats: Mutex::new(used_stats),
            spill: Mutex::new(Spill::Unopened(spill)),
            fresh: Default::default(),
            settled_before: std::time::SystemTime::now()
                .checked_sub(SETTLED)
                .unwrap_or(std::time::UNIX_EPOCH),
        }
    }

    /// The metadata key of a file (`rel` below the root), when its metadata may stand for
    /// its content: a regular file whose last change has settled. Never on platforms without
    /// change times and inodes.
    #[cfg(unix)]
    pub fn stat_key(
        &self,
        lang: Lang,
        depth: Depth,
        rel: &str,
        meta: &std::fs::Metadata,
    ) -> Option<u128> {
        use std::os::unix::fs::MetadataExt;
        let changed = std::time::UNIX_EPOCH.checked_add(std::time::Duration::new(
            u64::try_from(meta.ctime()).ok()?,
            u32::try_from(meta.ctime_nsec()).ok()?,
        ))?;
        if !meta.is_file() || changed >= self.settled_before {
            return None;
        }
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        h.update(BUILD_ID.as_bytes());
        h.update(&[0, lang as u8, depth as u8, 0]);
        h.update(rel.as_bytes());
        h.update(&[0]);
        for n in [
            meta.len(),
            meta.mtime() as u64,
            meta.mtime_nsec() as u64,
            meta.ctime() as u64,
            meta.ctime_nsec() as u64,
            meta.ino(),
            meta.dev(),
        ] {
            h.update(&n.to_le_bytes());
        }
        Some(h.digest128())
    }

    #[cfg(not(unix))]
    pub fn stat_key(&self, _: Lang, _: Depth, _: &str, _: &std::fs::Metadata) -> Option<u128> {
        None
    }

    /// What a file is, from its metadata key alone (see `stat_key`): the file is not read.
    /// Where the entry of content key `k` is in `data`.
    fn entry_at(&self, k: u128) -> Option<(usize, usize)> {
        let i = self.index.binary_search_by_key(&k, |e| e.0).ok()?;
        let (_, s, e) = *self.index.get(i)?;
        Some((s as usize, e as usize))
    }

    /// The content key metadata key `sk` stood for when the cache was written.
    fn content_key(&self, sk: u128) -> Option<u128> {
        let i = self.stats.binary_search_by_key(&sk, |e| e.0).ok()?;
        self.stats.get(i).map(|e| e.1)
    }

    pub fn by_stat(&self, stat_key: u128) -> Option<SourceEntry> {
        let k = self.content_key(stat_key)?;
        let (s, e) = self.entry_at(k)?;
        let entry = postcard::from_bytes::<SourceEntry>(self.data.get(s..e)?).ok()?;
        self.remember(k, Entry::Old(s, e));
        if let Ok(mut used) = self.used_stats.lock() {
            used.push((stat_key, k));
        }
        Some(entry)
    }

    /// What a file is, from the cache when this build already read the same content, else
    /// from `read` (and remembered; `None`, an internal fault, is not).
    /// `stat_key`, the file's metadata key when it has one, is remembered to stand for this
    /// content from the next run on.
    pub fn entry(
        &self,
        lang: Lang,
        depth: Depth,
        file_name: &str,
        text: &str,
        stat_key: Option<u128>,
        read: impl FnOnce() -> Option<SourceEntry>,
    ) -> Option<SourceEntry> {
        let k = key(lang, depth, file_name, text);
        if let Some(sk) = stat_key
            && let Ok(mut used) = self.used_stats.lock()
        {
            used.push((sk, k));
        }
        if let Some((s, e)) = self.entry_at(k)
            && let Some(bytes) = self.data.get(s..e)
            && let Ok(entry) = postcard::from_bytes::<SourceEntry>(bytes)
        {
            self.remember(k, Entry::Old(s, e));
            return Some(entry);
        }
        let entry = read()?;
        if let Ok(bytes) = postcard::to_stdvec(&entry) {
            self.fresh
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let spilled = self.spill.lock().ok().and_then(|mut s| s.put(&bytes));
            self.remember(
                k,
                match spilled {
                    Some((at, len)) => Entry::Spilled(at, len),
                    None => Entry::New(bytes),
                },
            );
        }
        Some(entry)
    }

    fn remember(&self, k: u128, e: Entry) {
        if let Ok(mut used) = self.used.lock() {
            used.push((k, e));
        }
    }

    /// Write the entries this run used, when anything changed; a failure to write (a
    /// read-only home, a full disk) costs the next run its warm start, nothing else.
    pub fn save(self) {
        if let Some(dir) = self.file.parent() {
            sweep_spills(dir, std::time::SystemTime::now());
        }
        let mut used = match self.used.into_inner() {
            Ok(u) => u,
            Err(_) => return,
        };
        let mut stats = match self.used_stats.into_inner() {
            Ok(u) => u,
            Err(_) => return,
        };
        let fresh = self.fresh.load(std::sync::atomic::Ordering::Relaxed);
        let mut spill = match self.spill.into_inner() {
            Ok(s) => s,
            Err(_) => return,
        };
        let mut spilled = spill.reader();
        // entries in a spill file that cannot be read back are not written
        if spilled.is_none() {
            used.retain(|(_, e)| !matches!(e, Entry::Spilled(..)));
        }
        // in place (a stable sort would take half the list again, at the load's peak): a key
        // used twice names the same content, either entry will do
        used.sort_unstable_by_key(|(k, _)| *k);
        used.dedup_by_key(|(k, _)| *k);
        // a metadata key stands for content this run used (an entry that failed to
        // serialize has none)
        stats.retain(|(_, k)| used.binary_search_by_key(k, |(u, _)| *u).is_ok());
        stats.sort_unstable();
        stats.dedup_by_key(|(sk, _)| *sk);
        // both sorted by metadata key, one entry a key
        let same_stats = stats == self.stats;
        if fresh == 0 && used.len() == self.index.len() && same_stats {
            return;
        }
        let Some(dir) = self.file.parent() else {
            return;
        };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        let tmp = dir.join(format!(
            ".{}.{}.tmp",
            self.file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            std::process::id()
        ));
        let written = write_to(&tmp, &self.data, spilled.as_mut(), &used, &stats);
        if written.is_err() || std::fs::rename(&tmp, &self.file).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}

/// Remove the spill files (`*.new`) of runs that ended without removing theirs (killed by a
/// signal): those a day old, which no running run still writes.
fn sweep_spills(dir: &Path, now: std::time::SystemTime) {
    const STALE: std::time::Duration = std::time::Duration::from_secs(24 * 60 * 60);
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let stale = e.file_name().to_string_lossy().ends_with(".new")
            && e.file_type().is_ok_and(|t| t.is_file())
            && e.metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|at| now.duration_since(at).is_ok_and(|age| age > STALE));
        if stale {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Write a cache file of `used` and `stats` to `path`, streamed: a monorepo's cache is
/// tens of megabytes, which a copy in memory would add to the run's peak. The checksum
/// of the body, which the header holds, is written last.
fn write_to(
    path: &Path,
    data: &[u8],
    mut spilled: Option<&mut std::fs::File>,
    used: &[(u128, Entry)],
    stats: &[(u128, u128)],
) -> std::io::Result<()> {
    use std::io::{Read, Seek, Write};
    let mut w = std::io::BufWriter::new(std::fs::File::create(path)?);
    w.write_all(MAGIC)?;
    w.write_all(&[0; 8])?;
    let mut sum = xxhash_rust::xxh3::Xxh3::new();
    let mut put = |w: &mut std::io::BufWriter<std::fs::File>, b: &[u8]| {
        sum.update(b);
        w.write_all(b)
    };
    put(&mut w, &(used.len() as u64).to_le_bytes())?;
    let mut buf = Vec::new();
    for (k, e) in used {
        let bytes: &[u8] = match e {
            Entry::Old(s, e) => data.get(*s..*e).unwrap_or_default(),
            Entry::New(b) => b,
            Entry::Spilled(at, len) => {
                let Some(f) = spilled.as_deref_mut() else {
                    return Err(std::io::ErrorKind::NotFound.into());
                };
                buf.resize(usize::try_from(*len).unwrap_or(usize::MAX), 0);
                f.seek(std::io::SeekFrom::Start(*at))?;
                f.read_exact(&mut buf)?;
                &buf
            }
        };
        put(&mut w, &k.to_le_bytes())?;
        put(&mut w, &(bytes.len() as u64).to_le_bytes())?;
        put(&mut w, bytes)?;
    }
    put(&mut w, &(stats.len() as u64).to_le_bytes())?;
    for (sk, k) in stats {
        put(&mut w, &sk.to_le_bytes())?;
        put(&mut w, &k.to_le_bytes())?;
    }
    let sum = sum.digest();
    w.seek(std::io::SeekFrom::Start(MAGIC.len() as u64))?;
    w.write_all(&sum.to_le_bytes())?;
    w.flush()
}

/// The entries of a cache file (key → byte range of its value) and its metadata keys
/// (metadata key → key). `None` when the file is not a whole cache file of this format.
type Tables = (Vec<(u128, u32, u32)>, Vec<(u128, u128)>);

fn read_index(data: &[u8]) -> Option<Tables> {
    let header = data.get(..16)?;
    if header.get(..8)? != MAGIC {
        return None;
    }
    let sum = u64::from_le_bytes(header.get(8..16)?.try_into().ok()?);
    let body = data.get(16..)?;
    if xxhash_rust::xxh3::xxh3_64(body) != sum {
        return None;
    }
    let mut at = 16;
    let take = |at: &mut usize, n: usize| -> Option<&[u8]> {
        let s = data.get(*at..at.checked_add(n)?)?;
        *at += n;
        Some(s)
    };
    let count = u64::from_le_bytes(take(&mut at, 8)?.try_into().ok()?);
    let mut index = Vec::with_capacity(count.min(1 << 20) as usize);
    for _ in 0..count {
        let k = u128::from_le_bytes(take(&mut at, 16)?.try_into().ok()?);
        let len = usize::try_from(u64::from_le_bytes(take(&mut at, 8)?.try_into().ok()?)).ok()?;
        let start = at;
        take(&mut at, len)?;
        // a cache file of 4 GB is no cache
        index.push((k, u32::try_from(start).ok()?, u32::try_from(at).ok()?));
    }
    let count = u64::from_le_bytes(take(&mut at, 8)?.try_into().ok()?);
    let mut stats = Vec::with_capacity(count.min(1 << 20) as usize);
    for _ in 0..count {
        let sk = u128::from_le_bytes(take(&mut at, 16)?.try_into().ok()?);
        let k = u128::from_le_bytes(take(&mut at, 16)?.try_into().ok()?);
        stats.push((sk, k));
    }
    // written sorted, one entry a key; made so all the same (nearly free on a sorted list),
    // so that no lookup depends on what a file says
    index.sort_by_key(|e| e.0);
    index.dedup_by_key(|e| e.0);
    stats.sort_by_key(|e| e.0);
    stats.dedup_by_key(|e| e.0);
    (at == data.len()).then_some((index, stats))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(text: &str) -> Option<SourceEntry> {
        Some(SourceEntry {
            facts: crate::parse::code::parse_source(Lang::Python, "app.py", text).unwrap(),
            shapes: crate::secrets::prescan(text),
            outline: (
                0..text.find('\n').unwrap_or(text.len()),
                text.lines().count(),
            ),
            generated: false,
            suppressions: false,
        })
    }

    #[test]
    fn a_second_run_reads_the_facts_the_first_wrote() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        std::fs::create_dir(&root).unwrap();
        let text = "import os\nURL = os.environ['DATABASE_URL']\nT = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789AB'\n";
        let c = Cache::open(dir.path(), &root);
        let first = c.entry(Lang::Python, Depth::Facts, "app.py", text, None, || {
            facts(text)
        });
        c.save();
        let c = Cache::open(dir.path(), &root);
        assert_eq!(c.index.len(), 1);
        let second = c.entry(Lang::Python, Depth::Facts, "app.py", text, None, || {
            panic!("parsed again")
        });
        assert_eq!(format!("{first:?}"), format!("{second:?}"));
        let second = second.unwrap();
        assert_eq!(second.facts.env_reads[0].name, "DATABASE_URL");
        assert_eq!(
            second.shapes[0].what, "GitHub token",
            "a shape's name survives the cache"
        );
        // the new entries waited in a spill file beside the cache file, removed once written
        let files: Vec<_> = std::fs::read_dir(dir.path().join(BUILD_ID))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(files.len(), 1, "{files:?}");
        assert!(files[0].ends_with(".bin"), "{files:?}");
    }

    #[test]
    fn spill_files_a_day_old_are_swept_and_newer_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        std::fs::create_dir(&root).unwrap();
        let here = dir.path().join(BUILD_ID);
        std::fs::create_dir_all(&here).unwrap();
        let day = std::time::Duration::from_secs(24 * 60 * 60);
        let old = std::time::SystemTime::now() - day - std::time::Duration::from_secs(60);
        for (name, at) in [
            ("a.bin.4242.new", Some(old)),
            ("b.bin.77.new", None),
            ("keep.bin", Some(old)),
        ] {
            let f = std::fs::File::create(here.join(name)).unwrap();
            if let Some(at) = at {
                f.set_modified(at).unwrap();
            }
        }
        let c = Cache::open(dir.path(), &root);
        c.save();
        let mut left: Vec<_> = std::fs::read_dir(&here)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(left, ["b.bin.77.new", "keep.bin"]);
    }

    #[test]
    fn new_entries_are_kept_in_memory_when_they_cannot_be_spilled_and_read_back_from_the_spill_file()
     {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        std::fs::create_dir(&root).unwrap();
        let texts: Vec<String> = (0..50)
            .map(|i| format!("import os\nV{i} = os.environ['VAR_{i}']\n"))
            .collect();
        for spillable in [true, false] {
            let c = Cache::open(&dir.path().join(format!("{spillable}")), &root);
            if !spillable {
                // where the spill file would go, something is already: it cannot be created
                let Spill::Unopened(path) = &*c.spill.lock().unwrap() else {
                    panic!("opened before any entry")
                };
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, "taken").unwrap();
            }
            for t in &texts {
                c.entry(Lang::Python, Depth::Facts, "app.py", t, None, || facts(t));
            }
            let kinds: Vec<bool> = c
                .used
                .lock()
                .unwrap()
                .iter()
                .map(|(_, e)| matches!(e, Entry::Spilled(..)))
                .collect();
            assert!(
                kinds.iter().all(|s| *s == spillable),
                "{spillable}: {kinds:?}"
            );
            c.save();
            let c = Cache::open(&dir.path().join(format!("{spillable}")), &root);
            assert_eq!(c.index.len(), texts.len(), "{spillable}");
            for (i, t) in texts.iter().enumerate() {
                let e = c
                    .entry(Lang::Python, Depth::Facts, "app.py", t, None, || {
                        panic!("parsed again")
                    })
                    .unwrap();
                assert_eq!(e.facts.env_reads[0].name, format!("VAR_{i}").as_str());
            }
        }
    }

    #[test]
    fn changed_content_or_name_is_parsed_again_and_stale_entries_are_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let c = Cache::open(dir.path(), root);
        c.entry(Lang::Python, Depth::Facts, "a.py", "x = 1\n", None, || {
            facts("x = 1\n")
        });
        c.save();
        let c = Cache::open(dir.path(), root);
        let mut parsed = 0;
        c.entry(Lang::Python, Depth::Facts, "a.py", "x = 2\n", None, || {
            parsed += 1;
            facts("x = 2\n")
        });
        c.entry(
            Lang::Python,
            Depth::Facts,
            "test_a.py",
            "x = 1\n",
            None,
            || {
                parsed += 1;
                facts("x = 1\n")
            },
        );
        assert_eq!(parsed, 2);
        c.save();
        let c = Cache::open(dir.path(), root);
        assert_eq!(c.index.len(), 2, "the entry no run used any more is gone");
    }

    /// A cache whose run starts an hour from now: every file on disk has settled.
    #[cfg(unix)]
    fn later(dir: &Path, root: &Path) -> Cache {
        let mut c = Cache::open(dir, root);
        c.settled_before = std::time::SystemTime::now() + std::time::Duration::from_secs(3600);
        c
    }

    #[cfg(unix)]
    #[test]
    fn a_settled_file_is_known_by_its_metadata_without_reading_it() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        std::fs::create_dir(&root).unwrap();
        let text = "import os\nURL = os.environ['DATABASE_URL']\n";
        std::fs::write(root.join("app.py"), text).unwrap();
        let meta = || std::fs::metadata(root.join("app.py")).unwrap();
        let c = later(dir.path(), &root);
        let sk = c
            .stat_key(Lang::Python, Depth::Facts, "app.py", &meta())
            .expect("settled");
        assert!(c.by_stat(sk).is_none(), "an empty cache knows nothing");
        c.entry(Lang::Python, Depth::Facts, "app.py", text, Some(sk), || {
            facts(text)
        });
        c.save();
        let c = later(dir.path(), &root);
        let sk2 = c
            .stat_key(Lang::Python, Depth::Facts, "app.py", &meta())
            .unwrap();
        assert_eq!(sk, sk2);
        let e = c.by_stat(sk2).expect("known by its metadata");
        assert_eq!(e.facts.env_reads[0].name, "DATABASE_URL");
        // another path, or another language, with the same metadata is another key
        assert_ne!(
            c.stat_key(Lang::Python, Depth::Facts, "b.py", &meta()),
            Some(sk)
        );
        assert_ne!(
            c.stat_key(Lang::Ruby, Depth::Facts, "app.py", &meta()),
            Some(sk)
        );
        // nor is the same file read to another depth (a `test-paths` setting changed)
        assert_ne!(
            c.stat_key(Lang::Python, Depth::Shapes, "app.py", &meta()),
            Some(sk)
        );
        assert!(
            c.entry(Lang::Python, Depth::Shapes, "app.py", text, None, || None)
                .is_none(),
            "facts are not what a shapes-only reading finds"
        );
        // a run that used the metadata key keeps it
        c.save();
        let c = later(dir.path(), &root);
        assert!(c.by_stat(sk).is_some());
    }

    #[cfg(unix)]
    #[test]
    fn an_edit_that_keeps_size_and_modification_time_is_read_again() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let path = root.join("app.py");
        std::fs::write(&path, "x = 1\n").unwrap();
        let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
        let c = later(dir.path(), root);
        let sk = c
            .stat_key(
                Lang::Python,
                Depth::Facts,
                "app.py",
                &std::fs::metadata(&path).unwrap(),
            )
            .unwrap();
        c.entry(
            Lang::Python,
            Depth::Facts,
            "app.py",
            "x = 1\n",
            Some(sk),
            || facts("x = 1\n"),
        );
        c.save();
        // past the file-system clock's tick: the change time moves
        std::thread::sleep(std::time::Duration::from_millis(50));
        std::fs::write(&path, "x = 2\n").unwrap();
        let f = std::fs::File::options().write(true).open(&path).unwrap();
        f.set_modified(modified).unwrap();
        drop(f);
        let meta = std::fs::metadata(&path).unwrap();
        assert_eq!(
            meta.modified().unwrap(),
            modified,
            "the modification time is set back"
        );
        let c = later(dir.path(), root);
        let sk2 = c
            .stat_key(Lang::Python, Depth::Facts, "app.py", &meta)
            .unwrap();
        assert_ne!(sk, sk2, "the change time tells the edit");
        assert!(c.by_stat(sk2).is_none());
    }

    #[cfg(unix)]
    #[test]
    fn a_file_changed_within_the_last_seconds_is_not_known_by_its_metadata() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.py");
        std::fs::write(&path, "x = 1\n").unwrap();
        let c = Cache::open(dir.path(), dir.path());
        let meta = std::fs::metadata(&path).unwrap();
        assert!(
            c.stat_key(Lang::Python, Depth::Facts, "app.py", &meta)
                .is_none()
        );
        // nor is a directory, whatever its age
        let c = later(dir.path(), dir.path());
        let meta = std::fs::metadata(dir.path()).unwrap();
        assert!(
            c.stat_key(Lang::Python, Depth::Facts, "app.py", &meta)
                .is_none()
        );
    }

    #[test]
    fn a_damaged_or_truncated_file_is_a_cold_cache() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let c = Cache::open(dir.path(), root);
        c.entry(Lang::Python, Depth::Facts, "a.py", "x = 1\n", None, || {
            facts("x = 1\n")
        });
        let file = c.file.clone();
        c.save();
        let good = std::fs::read(&file).unwrap();
        for bad in [
            good[..good.len() - 1].to_vec(),
            {
                let mut b = good.clone();
                let last = b.len() - 1;
                b[last] ^= 0xff;
                b
            },
            b"not a cache".to_vec(),
            Vec::new(),
        ] {
            std::fs::write(&file, &bad).unwrap();
            let c = Cache::open(dir.path(), root);
            assert!(c.index.is_empty());
            let mut parsed = false;
            c.entry(Lang::Python, Depth::Facts, "a.py", "x = 1\n", None, || {
                parsed = true;
                facts("x = 1\n")
            });
            assert!(parsed);
        }
    }

    #[test]
    fn an_unwritable_cache_directory_is_no_error() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, "").unwrap();
        // the cache directory would be below a regular file
        let c = Cache::open(&blocker, dir.path());
        c.entry(Lang::Python, Depth::Facts, "a.py", "x = 1\n", None, || {
            facts("x = 1\n")
        });
        c.save();
    }
}
