//! The end of each command's --help: examples a newcomer can copy, and the
//! environment variables the command reads. Flags that take their value
//! from a variable show it beside the flag already (`[env: ...]`).

pub const MAIN: &str = "\
Examples:
  cruddur-obs init --dry-run                  Show what init would change in this project
  cruddur-obs init                            Set it up (asks which providers, then confirms)
  cruddur-obs send-test-span                  Prove the keys work: one test trace, item, segment
  cruddur-obs doctor                          Find why no data arrives
  cruddur-obs explain otel-endpoint-missing   What a failure id means and how to fix it

Environment:
  NO_COLOR                   Set and non-empty: no colours (as --color never)

Exit status: 0 done or nothing wrong, 1 problems found, 2 could not do the job.
Run `cruddur-obs <command> --help` for a command's options.";

pub const INIT: &str = "\
Examples:
  cruddur-obs init --dry-run                             Show the diff, write nothing
  cruddur-obs init --provider honeycomb,rollbar --yes    Set up two providers without asking
  echo \"$KEY\" | cruddur-obs init --key-stdin --no-input  Key from stdin, in a script
  cruddur-obs init --check                               Exit 1 if anything would change (CI)
  cruddur-obs init --dir ~/aws-bootcamp-cruddur-2023 --region eu

Environment:
  HONEYCOMB_API_KEY          The Honeycomb key to store (else --key-stdin or a hidden prompt)
  ROLLBAR_ACCESS_TOKEN       The Rollbar server token to store, with --provider rollbar
  COMPOSE_FILE               Which compose files make the project (`:`-separated; also read from .env)
  GITPOD_WORKSPACE_ID        Set in a Gitpod workspace: keys are stored with `gp env`
  NO_COLOR                   Set and non-empty: no colours";

pub const SEND: &str = "\
Examples:
  cruddur-obs send-test-span                        Send to every configured target
  cruddur-obs send-test-span --only honeycomb -v    Also show each value and where it came from
  cruddur-obs send-test-span --json                 One JSON object per target, one per line

Environment (compose interpolates ${VAR} from this shell, then the project .env):
  HONEYCOMB_API_KEY          The key, where the compose file says ${HONEYCOMB_API_KEY}
  ROLLBAR_ACCESS_TOKEN       The Rollbar token, likewise
  AWS_XRAY_DAEMON_ADDRESS    Likewise: where the X-Ray segment goes (or --xray-address)
  COMPOSE_FILE               Which compose files make the project (`:`-separated; also read from .env)
  CRUDDUR_OBS_ENDPOINT       Same as --endpoint
  CRUDDUR_OBS_XRAY_ADDRESS   Same as --xray-address
  NO_COLOR                   Set and non-empty: no colours";

pub const DOCTOR: &str = "\
Examples:
  cruddur-obs doctor                              Every check, offline and network
  cruddur-obs doctor --offline                    Only what the files say
  cruddur-obs doctor -f docker-compose-local.yml  Another compose file (repeat -f to merge)
  cruddur-obs doctor --fix --dry-run              Show the safe repairs as a diff
  docker compose logs backend-flask | cruddur-obs doctor --logs -
  cruddur-obs doctor --json | jq '.findings[].id'
  cruddur-obs explain <id>                        What a reported id means

Environment (compose interpolates ${VAR} from this shell, then the project .env):
  HONEYCOMB_API_KEY          The key checked against Honeycomb's /1/auth
  ROLLBAR_ACCESS_TOKEN       The token checked against Rollbar
  AWS_DEFAULT_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY
                             Checked where X-Ray or CloudWatch needs them
  GITPOD_WORKSPACE_ID        Set in a Gitpod workspace: `gp env` is consulted
  COMPOSE_FILE               Which compose files make the project (`:`-separated; also read from .env)
  CRUDDUR_OBS_ENDPOINT       Same as --endpoint
  CRUDDUR_OBS_XRAY_ADDRESS   Same as --xray-address
  CRUDDUR_OBS_CACHE_DIR      Where each Python module's analyses are kept between runs
                             (default $XDG_CACHE_HOME/cruddur-obs or ~/.cache/cruddur-obs;
                             empty: no cache). Modules that could hold a key are never kept
  CRUDDUR_OBS_THREADS        How many threads a run may use (1: one; default: up to 4 cores
                             for parsing, a second thread for the checks of a large project)
  NO_COLOR                   Set and non-empty: no colours";

pub const EXPLAIN: &str = "\
Examples:
  cruddur-obs explain otel-endpoint-missing      One entry: what, why, fix, example
  cruddur-obs explain --list                     Every id with its severity
  cruddur-obs explain --all --format markdown    The whole catalogue (docs/failures.md)
  cruddur-obs explain compose-var-unset --format json

An unknown id exits 2 and names the closest ones.";

pub const COMPLETIONS: &str = "\
Examples:
  cruddur-obs completions bash > ~/.local/share/bash-completion/completions/cruddur-obs
  cruddur-obs completions zsh > ~/.zfunc/_cruddur-obs     (with fpath+=~/.zfunc in ~/.zshrc)
  cruddur-obs completions fish > ~/.config/fish/completions/cruddur-obs.fish";

pub const MAN: &str = "\
Examples:
  cruddur-obs man | man -l -
  cruddur-obs man doctor > ~/.local/share/man/man1/cruddur-obs-doctor.1
  cruddur-obs man > ~/.local/share/man/man1/cruddur-obs.1";
