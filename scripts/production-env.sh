# Sourced by scripts/test-deploy.sh and scripts/load.sh: the production settings of a throwaway
# server, as docs/deploy.md (step 4) sets them. `production_env WORK` writes each secret to a
# file under WORK/keys that only its owner reads (the field key, the secret key and the database
# URL taken from SHOUHU_DATABASE_URL), removes them from the environment, and exports the
# *_FILE settings, SHOUHU_DEBUG=0 and SHOUHU_VAR_DIR=WORK/var. Needs $PY (the interpreter).

production_env() {
    local work=$1
    mkdir -p "$work/keys" "$work/var"
    chmod 700 "$work/keys"
    # A key already in WORK/keys is kept (scripts/load.sh LOAD_KEEP: the county's own key).
    [ -s "$work/keys/field.key" ] ||
        "$PY" -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())" > "$work/keys/field.key"
    [ -s "$work/keys/secret.key" ] ||
        "$PY" -c "import secrets; print(secrets.token_urlsafe(50))" > "$work/keys/secret.key"
    echo "$SHOUHU_DATABASE_URL" > "$work/keys/database.url"
    chmod 600 "$work/keys/"*
    unset SHOUHU_DATABASE_URL SHOUHU_SECRET_KEY SHOUHU_FIELD_KEY
    export SHOUHU_DEBUG=0
    export SHOUHU_SECRET_KEY_FILE="$work/keys/secret.key"
    export SHOUHU_FIELD_KEY_FILE="$work/keys/field.key"
    export SHOUHU_DATABASE_URL_FILE="$work/keys/database.url"
    export SHOUHU_VAR_DIR="$work/var"
}
