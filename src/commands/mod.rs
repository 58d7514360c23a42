//! One module per subcommand: thin orchestration over project, plan and providers.

pub mod init;
