use std::io::Write;
use std::process::ExitCode;
use twelve::cli::{self, Io};

/// Standard output when it is closed (`twelve check >&-`): the standard library drops such
/// writes silently, and a report written nowhere must be an error, not a pass.
struct Closed;

impl Write for Closed {
    fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
        Err(std::io::Error::other(
            "standard output is closed: the report has nowhere to go (use --output FILE)",
        ))
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Whether standard output was closed when twelve started. The Rust runtime reopens a closed
/// standard descriptor on `/dev/null` read-write before `main`; a shell's `>/dev/null` opens
/// it write-only. So: `/dev/null`, opened for reading and writing, is a closed stdout.
#[cfg(unix)]
fn stdout_is_closed() -> bool {
    use std::os::unix::fs::MetadataExt;
    let Ok(null) = std::fs::metadata("/dev/null") else {
        return false;
    };
    // SAFETY: fstat and fcntl(F_GETFL) only read the descriptor's state into our own memory
    unsafe {
        let mut st: libc::stat = std::mem::zeroed();
        if libc::fstat(1, &mut st) != 0 {
            return true;
        }
        let flags = libc::fcntl(1, libc::F_GETFL);
        (st.st_mode & libc::S_IFMT) == libc::S_IFCHR
            && st.st_rdev as u64 == null.rdev()
            && flags != -1
            && (flags & libc::O_ACCMODE) == libc::O_RDWR
    }
}

#[cfg(not(unix))]
fn stdout_is_closed() -> bool {
    false
}

fn main() -> ExitCode {
    let cli = match cli::parse(std::env::args().collect()) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let stdout = std::io::stdout();
    let mut out: Box<dyn Write> = if stdout_is_closed() {
        Box::new(Closed)
    } else {
        Box::new(std::io::BufWriter::new(stdout.lock()))
    };
    let mut err = std::io::stderr();
    let mut io = Io {
        out: &mut out,
        err: &mut err,
        stdout_is_terminal: cli::stdout_is_terminal(),
        terminal_width: cli::terminal_width(),
        exiting: true,
    };
    twelve::fault::install_hook();
    // a panic outside the boundaries that catch one (a file's parse, a rule's check) still
    // ends in a message and exit 2, not a crash
    let result = match twelve::fault::catch(|| cli::run(cli, &mut io)) {
        Ok(r) => r.and_then(|code| out.flush().map(|_| code)),
        Err(msg) => {
            let _ = out.flush();
            let _ = writeln!(
                std::io::stderr(),
                "error: internal error: {msg}; please report it"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(code) => ExitCode::from(code as u8),
        // a closed pipe (`twelve check | head`) is a quiet exit
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: {e}");
            ExitCode::from(2)
        }
    }
}
