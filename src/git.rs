//! The revision a scorecard scores: the commit a work tree has checked out, its branch and its
//! committer date, read from the files git writes (`HEAD`, refs, loose objects, pack indexes and
//! packs). Git itself is never run; whatever is not as git writes it gives no answer, never an
//! error or a long read.

use crate::walk::{FileKind, Found, read};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// The commit a work tree has checked out, and its branch (none when detached), read from
/// `.git` as git writes it (`HEAD`, loose refs, `packed-refs`; a worktree's `.git` file and
/// its common directory): git itself is never run.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GitHead {
    pub commit: String,
    pub branch: Option<String>,
    /// The committer date (`2026-12-05`, in the committer's time zone), when the commit object
    /// is a plain loose or packed object of a SHA-1 repository.
    pub date: Option<String>,
}

pub fn git_head(root: &Path) -> Option<GitHead> {
    let mut dir = root.canonicalize().ok()?;
    if dir.is_file() {
        dir.pop();
    }
    let dot_git = loop {
        let candidate = dir.join(".git");
        if candidate.exists() {
            break candidate;
        }
        if !dir.pop() {
            return None;
        }
    };
    // small files only: a `.git` that is not what git writes gives no head, never a long read
    let small = |p: &Path| -> Option<String> {
        let found = Found {
            rel: "".into(),
            at: crate::walk::Location::at(p.to_path_buf()),
            kind: FileKind::Other,
        };
        read(&found, 1 << 20).ok()
    };
    let git_dir = if dot_git.is_dir() {
        dot_git
    } else {
        // a worktree or submodule: `gitdir: <path>`, relative to the `.git` file's directory
        let text = small(&dot_git)?;
        let to = text.lines().next()?.strip_prefix("gitdir:")?.trim();
        dot_git.parent()?.join(to)
    };
    let common = small(&git_dir.join("commondir"))
        .and_then(|t| t.lines().next().map(|l| git_dir.join(l.trim())))
        .unwrap_or_else(|| git_dir.clone());
    let is_hash =
        |h: &str| (h.len() == 40 || h.len() == 64) && h.bytes().all(|b| b.is_ascii_hexdigit());
    let head = small(&git_dir.join("HEAD"))?;
    let head = head.lines().next()?.trim();
    let Some(reference) = head.strip_prefix("ref:").map(str::trim) else {
        return is_hash(head).then(|| GitHead {
            commit: head.to_ascii_lowercase(),
            branch: None,
            date: commit_date(&common, &head.to_ascii_lowercase()),
        });
    };
    // a ref name is a relative path of plain segments
    if reference
        .split('/')
        .any(|s| s.is_empty() || s == "." || s == "..")
    {
        return None;
    }
    let branch = reference.strip_prefix("refs/heads/").map(String::from);
    let loose = [&git_dir, &common]
        .iter()
        .find_map(|d| small(&d.join(reference)))
        .and_then(|t| t.lines().next().map(|l| l.trim().to_string()))
        .filter(|h| is_hash(h));
    let commit = loose.or_else(|| {
        small(&common.join("packed-refs"))?.lines().find_map(|l| {
            let (hash, name) = l.split_once(' ')?;
            (name.trim() == reference && is_hash(hash)).then(|| hash.to_string())
        })
    })?;
    let commit = commit.to_ascii_lowercase();
    Some(GitHead {
        date: commit_date(&common, &commit),
        commit,
        branch,
    })
}

/// The most a commit object is read or inflated to (a commit is a few hundred bytes).
const MAX_OBJECT: usize = 1 << 20;

/// The committer date of a commit (`YYYY-MM-DD`, in the committer's time zone), from a loose
/// object or a pack. `None` for an object stored as a delta, a SHA-256 repository, or anything
/// unreadable.
fn commit_date(common: &Path, hash: &str) -> Option<String> {
    let body = loose_object(common, hash).or_else(|| packed_object(common, hash))?;
    committer_date(&body)
}

/// Up to `max` bytes of a regular file from `offset`.
fn read_at(path: &Path, offset: u64, max: usize) -> Option<Vec<u8>> {
    let mut file = File::open(path).ok()?;
    if !file.metadata().ok()?.is_file() {
        return None;
    }
    file.seek(SeekFrom::Start(offset)).ok()?;
    let mut buf = Vec::new();
    file.take(max as u64).read_to_end(&mut buf).ok()?;
    Some(buf)
}

/// A loose commit object: zlib of `commit <size>\0<body>`.
fn loose_object(common: &Path, hash: &str) -> Option<Vec<u8>> {
    let path = common
        .join("objects")
        .join(hash.get(..2)?)
        .join(hash.get(2..)?);
    let compressed = read_at(&path, 0, MAX_OBJECT)?;
    let raw =
        miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(&compressed, MAX_OBJECT).ok()?;
    let nul = raw.iter().position(|b| *b == 0)?;
    if !raw.starts_with(b"commit ") {
        return None;
    }
    raw.get(nul + 1..).map(<[u8]>::to_vec)
}

/// A commit object in one of the repository's packs, found through the packs' version-2
/// indexes (`objects/pack/*.idx`).
fn packed_object(common: &Path, hash: &str) -> Option<Vec<u8>> {
    let id = sha1_bytes(hash)?;
    let mut indexes: Vec<PathBuf> = std::fs::read_dir(common.join("objects/pack"))
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "idx"))
        .collect();
    indexes.sort();
    indexes.iter().take(1000).find_map(|idx| {
        let offset = pack_offset(idx, &id)?;
        pack_commit(&idx.with_extension("pack"), offset)
    })
}

fn sha1_bytes(hash: &str) -> Option<[u8; 20]> {
    let hex = hash.as_bytes();
    if hex.len() != 40 {
        return None;
    }
    let mut id = [0u8; 20];
    for (i, pair) in hex.chunks_exact(2).enumerate() {
        let digit = |b: u8| (b as char).to_digit(16);
        *id.get_mut(i)? = u8::try_from(digit(pair[0])? * 16 + digit(pair[1])?).ok()?;
    }
    Some(id)
}

fn be_u32(bytes: &[u8]) -> Option<u32> {
    Some(u32::from_be_bytes(bytes.get(..4)?.try_into().ok()?))
}

/// Where object `id` starts in the pack of index `idx` (version 2: magic, fan-out table, sorted
/// names, CRCs, 4-byte offsets, then 8-byte offsets for packs over 2 GiB).
fn pack_offset(idx: &Path, id: &[u8; 20]) -> Option<u64> {
    const FANOUT: u64 = 8;
    const NAMES: u64 = FANOUT + 256 * 4;
    let head = read_at(idx, 0, NAMES as usize)?;
    if head.get(..8)? != [0xff, b't', b'O', b'c', 0, 0, 0, 2] {
        return None;
    }
    let fan = |i: usize| be_u32(head.get(FANOUT as usize + i * 4..)?);
    let count = u64::from(fan(255)?);
    let first = usize::from(id[0]);
    let (mut lo, mut hi) = (
        if first == 0 {
            0
        } else {
            u64::from(fan(first - 1)?)
        },
        u64::from(fan(first)?),
    );
    if hi > count || lo > hi {
        return None;
    }
    let mut file = File::open(idx).ok()?;
    let mut name = [0u8; 20];
    let found = loop {
        if lo >= hi {
            return None;
        }
        let mid = lo + (hi - lo) / 2;
        file.seek(SeekFrom::Start(NAMES + mid * 20)).ok()?;
        file.read_exact(&mut name).ok()?;
        match name.cmp(id) {
            std::cmp::Ordering::Equal => break mid,
            std::cmp::Ordering::Less => lo = mid + 1,
            std::cmp::Ordering::Greater => hi = mid,
        }
    };
    let offsets = NAMES + count * 24;
    let mut word = [0u8; 4];
    file.seek(SeekFrom::Start(offsets + found * 4)).ok()?;
    file.read_exact(&mut word).ok()?;
    let small = u32::from_be_bytes(word);
    if small & 0x8000_0000 == 0 {
        return Some(u64::from(small));
    }
    let mut large = [0u8; 8];
    let at = offsets + count * 4 + u64::from(small & 0x7fff_ffff) * 8;
    file.seek(SeekFrom::Start(at)).ok()?;
    file.read_exact(&mut large).ok()?;
    Some(u64::from_be_bytes(large))
}

/// The body of the commit object at `offset` of a pack: a type-and-size header, then zlib.
/// A delta (`OFS_DELTA`, `REF_DELTA`) or any other type gives `None`.
fn pack_commit(pack: &Path, offset: u64) -> Option<Vec<u8>> {
    let entry = read_at(pack, offset, MAX_OBJECT)?;
    let mut bytes = entry.iter().copied();
    let mut b = bytes.next()?;
    let kind = (b >> 4) & 7;
    while b & 0x80 != 0 {
        b = bytes.next()?;
    }
    if kind != 1 {
        return None;
    }
    let header = entry.len() - bytes.len();
    let rest = entry.get(header..)?;
    miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(rest, MAX_OBJECT).ok()
}

/// The committer line's time, as a date where the committer was:
/// `committer Ann <ann@example.com> 1764975000 +0100`.
fn committer_date(body: &[u8]) -> Option<String> {
    let line = body
        .split(|b| *b == b'\n')
        .take_while(|l| !l.is_empty())
        .find(|l| l.starts_with(b"committer "))?;
    let line = std::str::from_utf8(line).ok()?;
    let mut words = line.rsplit(' ');
    let zone = words.next()?;
    let seconds: i64 = words.next()?.parse().ok()?;
    let (sign, hhmm) = match zone.as_bytes().first()? {
        b'+' => (1, zone.get(1..)?),
        b'-' => (-1, zone.get(1..)?),
        _ => return None,
    };
    let hhmm: i64 = hhmm.parse().ok()?;
    let local = seconds.checked_add(sign * ((hhmm / 100) * 3600 + (hhmm % 100) * 60))?;
    let (y, m, d) = civil_from_days(local.div_euclid(86_400));
    (0..=9999)
        .contains(&y)
        .then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// The proleptic Gregorian date of a day count from 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn git_head_is_read_from_the_files_git_writes() {
        let hash = "0123456789abcdef0123456789abcdef01234567";
        let other = "fedcba9876543210fedcba9876543210fedcba98";
        let repo = tempfile::tempdir().unwrap();
        let git = repo.path().join(".git");
        std::fs::create_dir_all(git.join("refs/heads")).unwrap();
        std::fs::create_dir_all(repo.path().join("sub")).unwrap();
        // a branch with a loose ref, seen from a directory inside the work tree
        std::fs::write(git.join("HEAD"), "ref: refs/heads/trunk\n").unwrap();
        std::fs::write(git.join("refs/heads/trunk"), format!("{hash}\n")).unwrap();
        let head = git_head(&repo.path().join("sub")).unwrap();
        assert_eq!(
            (head.commit.as_str(), head.branch.as_deref()),
            (hash, Some("trunk"))
        );
        // a packed ref
        std::fs::write(git.join("HEAD"), "ref: refs/heads/feature/x\n").unwrap();
        std::fs::write(
            git.join("packed-refs"),
            format!("# pack-refs with: peeled\n{other} refs/heads/feature/x\n"),
        )
        .unwrap();
        let head = git_head(repo.path()).unwrap();
        assert_eq!(
            (head.commit.as_str(), head.branch.as_deref()),
            (other, Some("feature/x"))
        );
        // detached
        std::fs::write(git.join("HEAD"), format!("{hash}\n")).unwrap();
        assert_eq!(git_head(repo.path()).unwrap().branch, None);
        // a ref leading out of the git directory, or garbage, is no head
        std::fs::write(git.join("HEAD"), "ref: ../../etc/passwd\n").unwrap();
        assert_eq!(git_head(repo.path()), None);
        std::fs::write(git.join("HEAD"), "not a head\n").unwrap();
        assert_eq!(git_head(repo.path()), None);
        // a worktree: `.git` is a file naming its git directory
        let wt = tempfile::tempdir().unwrap();
        let wt_git = git.join("worktrees/wt");
        std::fs::create_dir_all(&wt_git).unwrap();
        std::fs::write(wt_git.join("HEAD"), "ref: refs/heads/trunk\n").unwrap();
        std::fs::write(wt_git.join("commondir"), "../..\n").unwrap();
        std::fs::write(
            wt.path().join(".git"),
            format!("gitdir: {}\n", wt_git.display()),
        )
        .unwrap();
        let head = git_head(wt.path()).unwrap();
        assert_eq!(
            (head.commit.as_str(), head.branch.as_deref()),
            (hash, Some("trunk"))
        );
    }

    #[test]
    fn dates_are_civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(20_427), (2025, 12, 5));
        // the committer's own zone decides the day
        let body =
            |t: &str| format!("tree 1\nauthor A <a@b> 1 +0000\ncommitter C <c@d> {t}\n\nmsg\n");
        assert_eq!(
            committer_date(body("1764975600 +0100").as_bytes()).as_deref(),
            Some("2025-12-06")
        );
        assert_eq!(
            committer_date(body("1764975600 -0800").as_bytes()).as_deref(),
            Some("2025-12-05")
        );
        assert_eq!(committer_date(body("soon +0100").as_bytes()), None);
        assert_eq!(
            committer_date(b"tree 1\n\ncommitter C <c@d> 1 +0000\n"),
            None
        );
    }

    /// The committer date of a real repository's commit, loose and then packed by `git gc`.
    #[test]
    fn the_commit_date_is_read_from_loose_and_packed_objects() {
        let repo = tempfile::tempdir().unwrap();
        let git = |args: &[&str]| {
            let out = std::process::Command::new("git")
                .args(args)
                .current_dir(repo.path())
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .env("HOME", repo.path())
                .env("GIT_AUTHOR_DATE", "2024-02-29T23:30:00+0000")
                .env("GIT_COMMITTER_DATE", "2024-02-29T23:30:00-0100")
                .output()
                .expect("git runs");
            assert!(out.status.success(), "{out:?}");
        };
        git(&["init", "-q", "-b", "main"]);
        git(&["config", "user.email", "ci@example.com"]);
        git(&["config", "user.name", "ci"]);
        std::fs::write(repo.path().join("a.txt"), "one\n").unwrap();
        git(&["add", "a.txt"]);
        git(&["commit", "-q", "-m", "one"]);
        std::fs::write(repo.path().join("a.txt"), "two\n").unwrap();
        git(&["commit", "-q", "-am", "two"]);
        let loose = git_head(repo.path()).unwrap();
        assert_eq!(loose.branch.as_deref(), Some("main"));
        assert_eq!(loose.date.as_deref(), Some("2024-02-29"));
        git(&["gc", "-q", "--aggressive"]);
        assert!(
            !repo.path().join(".git/refs/heads/main").exists(),
            "refs packed"
        );
        let packed = git_head(repo.path()).unwrap();
        assert_eq!(packed, loose);
        // a damaged pack gives no date, and still the commit
        for e in std::fs::read_dir(repo.path().join(".git/objects/pack")).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "pack") {
                let mut perm = std::fs::metadata(&p).unwrap().permissions();
                #[allow(clippy::permissions_set_readonly_false)]
                perm.set_readonly(false);
                std::fs::set_permissions(&p, perm).unwrap();
                std::fs::write(&p, b"PACK garbage").unwrap();
            }
        }
        let damaged = git_head(repo.path()).unwrap();
        assert_eq!((damaged.commit, damaged.date), (loose.commit, None));
    }
}
