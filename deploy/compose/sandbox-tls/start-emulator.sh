#!/bin/sh
# Entrypoint of the compose sandbox's Runflow emulator (DEVELOPMENT ONLY). The emulator fetches the image
# URLs it is given, its own sample photos at https://emulator:8443 included: its JVM must trust the sandbox
# certificate besides the public CAs (to fetch photos from the web too). Java takes a single truststore, so
# this builds one from the JRE's CAs plus the sandbox certificate, then runs `runflow-kafka "$@"` (compose
# passes `emulator`).
set -eu
TLS_DIR=${SANDBOX_TLS_DIR:-/sandbox-tls}
APP_HOME=${RUNFLOW_KAFKA_HOME:-/opt/runflow-kafka}
TRUSTSTORE=${SANDBOX_TRUSTSTORE:-/tmp/emulator-truststore.p12}
PASSWORD=runflow-dev

rm -f "$TRUSTSTORE"
keytool -importkeystore -noprompt -srckeystore "$JAVA_HOME/lib/security/cacerts" -srcstorepass changeit \
  -destkeystore "$TRUSTSTORE" -deststoretype PKCS12 -deststorepass "$PASSWORD" >/dev/null 2>&1 \
  || { echo "start-emulator.sh: cannot copy the JRE's CAs from $JAVA_HOME/lib/security/cacerts" >&2; exit 1; }
keytool -importcert -noprompt -alias runflow-compose-sandbox -file "$TLS_DIR/emulator-cert.pem" \
  -keystore "$TRUSTSTORE" -storetype PKCS12 -storepass "$PASSWORD" >/dev/null 2>&1 \
  || { echo "start-emulator.sh: cannot trust $TLS_DIR/emulator-cert.pem" >&2; exit 1; }

JAVA_OPTS="${JAVA_OPTS:-} -Djavax.net.ssl.trustStore=$TRUSTSTORE -Djavax.net.ssl.trustStoreType=PKCS12 -Djavax.net.ssl.trustStorePassword=$PASSWORD"
export JAVA_OPTS
exec "$APP_HOME/bin/runflow-kafka" "$@"
