//! The online hearing for administrative offences (Anhörung im Bußgeldverfahren, issue 22):
//! cases imported from the office's offence-processing system (`import`), letters with an
//! access code (`access_code`) that logs in, the citizen's answer (`answer`: admit, contest,
//! or name the driver) with documents, and the office's side (`docket`: lists, export,
//! processed, erasure). A domain beside booking, payments and the case record: no HTTP here.
#![forbid(unsafe_code)]

pub mod access_code;
pub mod answer;
pub mod case;
pub mod config;
pub mod demo;
pub mod docket;
pub mod import;
pub mod metrics;

pub use access_code::{AccessCode, CodeError};
pub use answer::{Answer, AnswerForm, AnswerKind, FormProblem, Submission};
pub use case::{Address, CaseNumber, HearingCase, SanctionKind};
pub use docket::{Docket, HearingError};
