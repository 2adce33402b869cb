//! One module per command.

pub mod bond;
pub mod dev;
pub mod earnings;
pub mod faucet;
pub mod publish;
pub mod status;
pub mod submit;
