//! The integration tests: one binary (it links once), one module per area.

mod util;

mod appendix;
mod audit;
mod bad_input;
mod batch;
mod check;
mod clients;
mod document;
mod formats;
mod layouts;
mod pasted;
mod properties;
mod publish;
mod reader;
mod regression;
mod safety;
mod samples;
mod word;
