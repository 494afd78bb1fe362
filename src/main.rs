//! The `report-gen` binary: parses the command line and hands it to the library.
//!
//! Everything that only a process needs lives here, not in the library: the command line
//! ([`cli`]), the allocator settings ([`allocator`]) and the Ctrl-C handler.

// As in the library: no unwrap, expect or panic outside tests.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]
// Every print goes through `console`, which never panics on a closed pipe or a full disk.
#![deny(clippy::print_stdout, clippy::print_stderr)]

mod allocator;
mod cli;
mod console;
mod usage;

use clap::Parser;
use console::errln;
use report_gen::output::{self, INTERRUPTED_EXIT};

fn main() -> std::process::ExitCode {
    allocator::tune();
    install_interrupt_handler();
    let code = match cli::Cli::try_parse() {
        Ok(cli) => cli::run(cli),
        Err(e) => {
            let r = usage::refusal(&e);
            if r.to_stdout {
                console::out(&r.text);
            } else {
                console::err(&r.text);
            }
            r.code
        }
    };
    std::process::ExitCode::from(console::finish(code))
}

/// Installs the Ctrl-C handler: LibreOffice runs are killed, [`output::interrupt`] removes the
/// temporary files, then exit 130.
fn install_interrupt_handler() {
    // Only fails if a handler is already installed, which is fine.
    let _ = ctrlc::set_handler(|| {
        report_gen::pdf::interrupt();
        let removed = output::interrupt();
        if removed > 0 {
            errln!("已中断：删除了 {removed} 个未写完的临时文件，已写完的文件保持完整。");
        } else {
            errln!("已中断：没有留下未写完的文件。");
        }
        std::process::exit(INTERRUPTED_EXIT);
    });
}
