//! The one way the binary prints: every line to standard output or error goes through
//! [`out`] and [`err`], which never panic (as `println!` does when the stream is gone).
//!
//! - A closed pipe (`report-gen … | head -2`, quitting `less`) is not an error: from then on
//!   that stream is silent, the work goes on to its end (reports, 汇总.xlsx), and the exit code
//!   is the work's own (as ripgrep, the process is quiet about the pipe; unlike ripgrep, the
//!   work is finished, because the files are what the user asked for).
//! - Any other write error (a full disk behind `> file`, /dev/full, an I/O error) also silences
//!   that stream and lets the work finish; then [`finish`] says so in Chinese on standard
//!   error, if it still works, and the exit code becomes 2 (cannot write).

use std::io::{ErrorKind, Write};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Mutex;

const OPEN: u8 = 0;
const CLOSED: u8 = 1;
const FAILED: u8 = 2;

/// The state of standard output and standard error.
static STATE: [AtomicU8; 2] = [AtomicU8::new(OPEN), AtomicU8::new(OPEN)];
/// The first write error other than a closed pipe: (stream name, its explanation).
static FAILURE: Mutex<Option<(&'static str, String)>> = Mutex::new(None);

#[derive(Clone, Copy)]
enum Stream {
    Out = 0,
    Err = 1,
}

fn write(stream: Stream, text: &str) {
    let state = &STATE[stream as usize];
    if state.load(Ordering::Relaxed) != OPEN {
        return;
    }
    let result = match stream {
        Stream::Out => {
            let mut lock = std::io::stdout().lock();
            lock.write_all(text.as_bytes()).and_then(|()| lock.flush())
        }
        Stream::Err => {
            let mut lock = std::io::stderr().lock();
            lock.write_all(text.as_bytes()).and_then(|()| lock.flush())
        }
    };
    let Err(e) = result else { return };
    if e.kind() == ErrorKind::BrokenPipe {
        state.store(CLOSED, Ordering::Relaxed);
        return;
    }
    state.store(FAILED, Ordering::Relaxed);
    let name = match stream {
        Stream::Out => "标准输出",
        Stream::Err => "标准错误输出",
    };
    if let Ok(mut f) = FAILURE.lock() {
        f.get_or_insert((name, report_gen::error::explain(&e)));
    }
}

/// Prints `text` to standard output as it is (add the line break yourself).
pub fn out(text: &str) {
    write(Stream::Out, text);
}

/// Prints `text` to standard error as it is.
pub fn err(text: &str) {
    write(Stream::Err, text);
}

/// Prints a line to standard output.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::console::out(&format!("{}\n", format_args!($($arg)*)))
    };
}

/// Prints a line to standard error.
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::console::err(&format!("{}\n", format_args!($($arg)*)))
    };
}

pub(crate) use {errln, outln};

/// The process's exit code for the work's `code`: a write error other than a closed pipe is
/// reported (on standard error, if it still works) and makes it at least 2.
pub fn finish(code: u8) -> u8 {
    let failure = FAILURE.lock().ok().and_then(|f| f.clone());
    match failure {
        Some((stream, why)) => {
            errln!("错误：无法写出到{stream}：{why}。输出不完整（已生成的文件不受影响）。");
            code.max(2)
        }
        None => code,
    }
}
