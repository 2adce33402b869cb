//! `havn`: the Havn command line (see the `havn_cli` crate docs).

use clap::Parser as _;
use havn_cli::{cli::Cli, failure};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
	let cli = Cli::parse();
	let json = cli.global.json;
	match havn_cli::run(cli).await {
		Ok(report) => {
			if json {
				println!("{}", report.json);
			} else {
				print!("{}", report.text);
			}
			ExitCode::from(report.code)
		}
		Err(error) => {
			if json {
				println!("{}", failure::error_json(&error));
			}
			eprintln!("error: {error:#}");
			ExitCode::from(failure::exit_code(&error))
		}
	}
}
