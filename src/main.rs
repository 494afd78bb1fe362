//! The `report-gen` binary: parses the command line and hands it to the library.

use clap::Parser;

fn main() -> std::process::ExitCode {
    report_gen::allocator::tune();
    report_gen::output::install_interrupt_handler();
    report_gen::cli::run(report_gen::cli::Cli::parse())
}
