//! Files that hold personal data or secrets: owner-only (directories 0700, files 0600)
//! whatever the umask the process was started with. Under the default umask 022 the
//! SQLite database and the outbox's mails (name, address, join link in plain text) were
//! readable by every user of the host.
use std::io;
use std::path::Path;

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) -> io::Result<()> {
    Ok(())
}

/// Creates `dir` (and missing parents) owner-only, or makes an existing one so.
pub fn dir(dir: &Path) -> io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir)?;
    set_mode(dir, 0o700)
}

/// Makes the file at `path` owner-only, creating it empty if missing (so that SQLite,
/// which gives its `-wal` and `-shm` files the database file's mode, makes them so too).
pub fn file(path: &Path) -> io::Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.append(true).create(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    drop(opts.open(path)?);
    set_mode(path, 0o600)
}

/// Makes an existing file owner-only; nothing if it does not exist.
pub fn restrict(path: &Path) -> io::Result<()> {
    match set_mode(path, 0o600) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// Writes `bytes` to a new owner-only file at `path` (replacing one that is there).
pub async fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut opts = tokio::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    opts.mode(0o600);
    let mut f = opts.open(path).await?;
    tokio::io::AsyncWriteExt::write_all(&mut f, bytes).await?;
    f.sync_all().await?;
    set_mode(path, 0o600)
}

/// Makes the SQLite database of `url` (and its `-wal` and `-shm` files) owner-only before
/// the pool opens it; nothing for PostgreSQL or an in-memory database.
pub fn sqlite(url: &str) -> io::Result<()> {
    let Some(rest) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    else {
        return Ok(());
    };
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    let path = Path::new(path);
    // A missing parent is made owner-only; an existing one is the operator's (it may be
    // a shared folder) and left as it is.
    if let Some(parent) = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty() && !p.exists())
    {
        dir(parent)?;
    }
    file(path)?;
    for suffix in ["-wal", "-shm"] {
        let mut side = path.as_os_str().to_owned();
        side.push(suffix);
        restrict(Path::new(&side))?;
    }
    Ok(())
}
