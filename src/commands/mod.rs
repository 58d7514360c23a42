//! One module per subcommand: thin orchestration over project, plan and providers.

pub mod doctor;
pub mod explain;
pub mod init;
pub mod send_test_span;
