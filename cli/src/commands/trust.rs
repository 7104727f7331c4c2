//! Trust anchors and chain certificates from the command line and the configuration.

use std::path::Path;

use knik_pki::Certificate;
use knik_pki::trust::TrustStore;
use knik_xades::trust_list::{LoadOptions, TrustList};

use crate::args::TrustArgs;
use crate::config::Config;
use crate::error::CliError;

fn io(path: &Path) -> impl Fn(std::io::Error) -> CliError + '_ {
    move |e| CliError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

/// Every certificate in a PEM/DER file, or in the files of a directory.
pub fn read_certificates(path: &Path) -> Result<Vec<Certificate>, CliError> {
    let meta = std::fs::metadata(path).map_err(io(path))?;
    if meta.is_dir() {
        let mut out = Vec::new();
        let mut entries: Vec<_> = std::fs::read_dir(path)
            .map_err(io(path))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect();
        entries.sort();
        for p in entries {
            // A directory may hold keys or notes beside the certificates.
            if let Ok(certs) = Certificate::from_der_or_pem(&std::fs::read(&p).map_err(io(&p))?) {
                out.extend(certs);
            }
        }
        Ok(out)
    } else {
        let bytes = std::fs::read(path).map_err(io(path))?;
        Ok(Certificate::from_der_or_pem(&bytes)?)
    }
}

/// The trust store: --trust and --tsl, or else `[pki] trust` and `[pki] trust_lists`.
pub fn store(args: &TrustArgs, config: &Config) -> Result<TrustStore, CliError> {
    let mut store = TrustStore::new();
    let from_args = !args.trust.is_empty() || !args.tsl.is_empty();
    let anchors: Vec<&Path> = if from_args {
        args.trust.iter().map(|p| p.as_path()).collect()
    } else {
        config.pki.trust.iter().map(|p| p.as_path()).collect()
    };
    for path in anchors {
        let meta = std::fs::metadata(path).map_err(io(path))?;
        if meta.is_dir() {
            store.add_directory(path)?;
        } else {
            store.add_file(path)?;
        }
    }
    let lists: Vec<(&Path, &Path)> = if from_args {
        if args.tsl.len() != args.tsl_signer.len() && args.tsl_signer.len() != 1 {
            return Err(CliError::Usage(
                "give one --tsl-signer for all trust lists, or one per --tsl".into(),
            ));
        }
        args.tsl
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let signer = args.tsl_signer.get(i).unwrap_or(&args.tsl_signer[0]);
                (l.as_path(), signer.as_path())
            })
            .collect()
    } else {
        config
            .pki
            .trust_lists
            .iter()
            .map(|t| (t.file.as_path(), t.signer.as_path()))
            .collect()
    };
    for (list, signer) in lists {
        let xml = std::fs::read(list).map_err(io(list))?;
        let signers = read_certificates(signer)?;
        let options = LoadOptions::new(&signers, time::OffsetDateTime::now_utc());
        let tsl = TrustList::load(&xml, &options)
            .map_err(|e| CliError::Usage(format!("trust list {}: {e}", list.display())))?;
        tsl.add_to_store(&mut store);
    }
    Ok(store)
}

/// Certificates that may complete chains: `--chain`, else `[pki] chain`.
pub fn intermediates(
    args: &[std::path::PathBuf],
    config: &Config,
) -> Result<Vec<Certificate>, CliError> {
    let paths = if args.is_empty() {
        &config.pki.chain
    } else {
        args
    };
    let mut out = Vec::new();
    for p in paths {
        out.extend(read_certificates(p)?);
    }
    Ok(out)
}
