#!/bin/sh
# Fill ./secrets/ for compose.yaml: random values for the secrets the portal makes itself,
# empty files (to fill in) for those that come from elsewhere (Mollie, Exact, the mail relay).
# Existing files are kept. Files are readable by the image's user (uid 10001) only; the
# database and object store containers read theirs as root.
set -eu
cd "$(dirname "$0")/.."
umask 077
mkdir -p secrets

random() { python3 -c 'import secrets; print(secrets.token_urlsafe(48))'; }
fernet() { python3 -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())'; }

make() {  # make NAME COMMAND: write the file unless it exists
    if [ ! -e "secrets/$1" ]; then
        "$2" > "secrets/$1"
        echo "secrets/$1: made"
    fi
}
blank() {
    if [ ! -e "secrets/$1" ]; then
        : > "secrets/$1"
        echo "secrets/$1: empty, fill it in ($2)"
    fi
}

make postgres_password random
make objectstore_password random
make django_secret_key random
make mfa_encryption_key random
make audit_signing_key random
make koppeling_token_key fernet
blank mollie_api_key "live_... from Mollie's dashboard"
blank exact_client_secret "from Exact Online's App Center"
blank email_host_password "the mail relay's password, if it has one"
chmod 0400 secrets/*
if [ "$(id -u)" = 0 ]; then
    chown 10001:10001 secrets/*
fi
