//! report-gen: the 政府信息公开工作年度报告 of a Chinese government agency, from its statistics
//! workbook to a checked Word report and Excel appendix.
//!
//! Data flows one way: the official format ([`format`], [`layout`]) → the workbook reader
//! ([`workbook`], [`reader`]) → figures and totals ([`figures`], [`statement`]) → checks
//! ([`checks`], [`diagnostics`]) → outputs.

// Input-derived data never panics the library: no unwrap, expect or panic outside tests.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]
// The library prints nothing: the binary owns standard output and error (and a closed pipe).
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod appendix;
pub mod audit;
pub mod batch;
pub mod charset;
pub mod checks;
pub mod content;
pub mod diagnostics;
pub mod document;
pub mod error;
pub mod figures;
pub mod files;
pub mod finder;
pub mod format;
pub mod html;
pub mod init;
pub mod label;
pub mod layout;
pub mod narrative;
pub mod number;
pub mod ooxml;
pub mod output;
pub mod pdf;
pub mod reader;
pub mod report;
pub mod rules;
pub mod statement;
pub mod summary;
pub mod typography;
pub mod word;
pub mod workbook;
pub mod xlsx;

pub use error::{Error, Result};
