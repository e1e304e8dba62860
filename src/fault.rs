//! Internal faults: a panic in one file's parse or one rule's check is caught at that
//! boundary and becomes a TF0004 finding naming the file or the rule, so the rest of the run
//! and its report survive; the run then exits 2.
//!
//! `TWELVE_INJECT_PANIC` makes twelve panic on purpose, so that this path can be tested end
//! to end: `parse:<path>` panics while parsing the file at that root-relative path,
//! `rule:<CODE>` in that rule's check.

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// The code of the finding an internal fault becomes.
pub const CODE: &str = "TF0004";

/// The environment variable that injects a panic (for tests of this module's promise).
pub const INJECT: &str = "TWELVE_INJECT_PANIC";

thread_local! {
    /// The message and place of the last panic on this thread, recorded by [`install_hook`].
    static LAST: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Record panics instead of printing them: each is reported once, as a finding or by
/// `main`, not as a backtrace banner on stderr.
pub fn install_hook() {
    std::panic::set_hook(Box::new(|info| {
        let what = payload_text(info.payload());
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        LAST.with(|l| *l.borrow_mut() = Some(format!("{what}{at}")));
    }));
}

fn payload_text(p: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic".to_string()
    }
}

/// Run `f`; a panic in it is `Err` with its message (and place, when the hook is installed).
pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    LAST.with(|l| l.borrow_mut().take());
    catch_unwind(AssertUnwindSafe(f)).map_err(|p| {
        LAST.with(|l| l.borrow_mut().take())
            .unwrap_or_else(|| payload_text(p.as_ref()))
    })
}

/// The last panic recorded on this thread (for `main`, after an uncaught one).
pub fn last() -> Option<String> {
    LAST.with(|l| l.borrow_mut().take())
}

/// Panic here when `TWELVE_INJECT_PANIC` asks for it at this `place` (`parse:<path>`,
/// `rule:<CODE>`).
pub fn injection_point(kind: &str, name: &str) {
    if let Some(v) = std::env::var_os(INJECT)
        && let Some(v) = v.to_str()
        && v.strip_prefix(kind)
            .and_then(|r| r.strip_prefix(':'))
            .is_some_and(|n| n == name)
    {
        panic!("injected fault ({INJECT}={v})");
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_panic_becomes_an_error() {
        let r: Result<(), String> = super::catch(|| panic!("boom {}", 1));
        assert!(r.unwrap_err().contains("boom 1"));
        assert_eq!(super::catch(|| 7), Ok(7));
    }
}
