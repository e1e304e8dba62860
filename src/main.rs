use std::io::Write;
use std::process::ExitCode;
use twelve::cli::{self, Io};

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
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut err = std::io::stderr();
    let mut io = Io {
        out: &mut out,
        err: &mut err,
        stdout_is_terminal: cli::stdout_is_terminal(),
    };
    let result = cli::run(cli, &mut io).and_then(|code| out.flush().map(|_| code));
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
