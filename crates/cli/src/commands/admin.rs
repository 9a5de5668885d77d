use crate::config::DbArgs;
use anyhow::{Context, bail};
use clap::Args;
use std::io::BufRead;

#[derive(Debug, Args)]
pub struct CreateAdminArgs {
    /// The account to make staff (it may use the admin page at /admin)
    pub name: String,
    /// Create the account when it does not exist, with the password read from the first line
    /// of standard input
    #[arg(long)]
    pub password_stdin: bool,
    /// Take the staff flag away instead
    #[arg(long, conflicts_with = "password_stdin")]
    pub revoke: bool,
}

pub async fn create_admin(db: &DbArgs, args: CreateAdminArgs) -> anyhow::Result<()> {
    let store = db.open().await?;
    let name = args.name.trim();
    let exists = store.user_by_name(name).await?.is_some();
    if !exists {
        if args.revoke {
            bail!("there is no account named \"{name}\"");
        }
        if !args.password_stdin {
            bail!(
                "there is no account named \"{name}\": register it on /register first, or pass --password-stdin to create it here"
            );
        }
        fp_web::check_username(name).map_err(anyhow::Error::msg)?;
        let mut password = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut password)
            .context("cannot read the password from standard input")?;
        let password = password.trim_end_matches(['\r', '\n']).to_string();
        fp_web::check_password(&password, name).map_err(anyhow::Error::msg)?;
        let hash = tokio::task::spawn_blocking(move || fp_web::hash_password(&password))
            .await?
            .map_err(anyhow::Error::msg)?;
        if store.create_user(name, &hash).await?.is_none() {
            bail!("the account \"{name}\" was created by someone else meanwhile: run again");
        }
        println!("created the account {name}");
    }
    store.set_staff(name, !args.revoke).await?;
    let action = if args.revoke {
        "revoke-staff"
    } else {
        "grant-staff"
    };
    store
        .log_admin_action(None, "command line", action, name)
        .await?;
    if args.revoke {
        println!("{name} is no longer staff");
    } else {
        println!("{name} is staff: the admin page is at /admin");
    }
    Ok(())
}
