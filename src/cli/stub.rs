//! `oir stub`: serve the service packs (or any WSDL) as a virtualization stub on a
//! loopback address until Ctrl-C. Exit 0 after a clean stop, 2 when the configuration,
//! a contract or the address cannot be used (nothing was served), 1 when serving failed.

use super::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, StubArgs};
use crate::oir::date::Date;
use crate::stub::{StubConfig, StubError, start};

pub fn run(args: &StubArgs) -> i32 {
    let mut config = match &args.config {
        Some(p) => match StubConfig::load(p) {
            Ok(c) => c,
            Err(e) => return usage(&e),
        },
        None => StubConfig::default(),
    };
    if let Some(l) = &args.listen {
        match l.parse() {
            Ok(a) => config.listen = a,
            Err(_) => {
                eprintln!("error: --listen '{l}' is not an address like 127.0.0.1:8088");
                return EXIT_ERROR;
            }
        }
    }
    if let Some(s) = args.seed {
        config.seed = s;
    }
    if let Some(t) = &args.today {
        match Date::parse(t) {
            Some(d) => config.today = Some(d),
            None => {
                eprintln!("error: --today '{t}' is not a date (YYYY-MM-DD)");
                return EXIT_ERROR;
            }
        }
    }
    if !args.wsdl.is_empty() {
        config.wsdl.extend(args.wsdl.iter().cloned());
    }
    if args.no_packs {
        config.packs.clear();
    }
    let identity = match (
        &args.tls_cert,
        &args.tls_key,
        &args.tls_p12,
        &args.tls_p12_password_env,
    ) {
        (Some(c), Some(k), _, _) => Some(crate::tls::Identity::Pem {
            cert: c.clone(),
            key: k.clone(),
        }),
        (_, _, Some(p), Some(v)) => Some(crate::tls::Identity::Pkcs12 {
            file: p.clone(),
            password_env: v.clone(),
        }),
        _ => None,
    };
    match (identity, &args.client_ca) {
        (Some(identity), ca) => {
            config.tls = Some(crate::stub::StubTls {
                identity,
                client_ca: ca.clone(),
            })
        }
        (None, Some(ca)) => match &mut config.tls {
            Some(t) => t.client_ca = Some(ca.clone()),
            None => {
                eprintln!(
                    "error: --client-ca needs a server identity (--tls-cert/--tls-key, --tls-p12 or tls: in the config)"
                );
                return EXIT_ERROR;
            }
        },
        (None, None) => {}
    }
    if let Some(st) = &args.state {
        config.state_file = Some(st.clone());
    }
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return EXIT_ERROR;
        }
    };
    rt.block_on(async {
        let running = match start(config).await {
            Ok(r) => r,
            Err(e) => return usage(&e),
        };
        eprintln!("oir stub listening on {}", running.url());
        for s in &running.stub.catalog.services {
            // Asking a built-in service for its operations would compile it now.
            let ops = match s.compiled_yet() {
                Some(c) => format!("{} operation(s)", c.operations.len()),
                None => "compiled on first call".to_string(),
            };
            eprintln!(
                "  {}{}  ({ops}; WSDL: {}{}?wsdl)",
                running.url(),
                s.path,
                running.url(),
                s.path
            );
        }
        if let Some(st) = &running.stub.config.state_file {
            eprintln!(
                "  state: {} (SQLite, written before every answer)",
                st.display()
            );
        }
        eprintln!("  admin: {}/__admin/   (Ctrl-C stops)", running.url());
        // The runner and scripts read the first stdout line to find the port.
        println!("{}", running.url());
        let _ = tokio::signal::ctrl_c().await;
        match running.shutdown().await {
            Ok(()) => EXIT_OK,
            Err(e) => {
                eprintln!("error: {e}");
                EXIT_FINDINGS
            }
        }
    })
}

fn usage(e: &StubError) -> i32 {
    eprintln!("error: {e}");
    EXIT_ERROR
}
