#!/bin/sh
# Sends the sample uploads (sample-uploads.txt) to photos.uploaded in the running compose sandbox, through
# the kafka-avro-console-producer of the schema-registry container (Avro, Confluent wire format, subject
# photos.uploaded-value). Usage: deploy/compose/send-sample-uploads.sh [RUN_ID]
# COMPOSE overrides the compose command (default: docker compose; e.g. COMPOSE=docker-compose).
set -eu
cd "$(dirname "$0")"
RUN=${1:-sample-$(date +%s)}
NOW=$(date +%s)000
SCHEMA=$(tr -d '\n' < ../../schemas/src/main/avro/UploadEvent.avsc)
COMPOSE=${COMPOSE:-docker compose}

grep -v '^#' sample-uploads.txt | sed -e "s/@RUN@/$RUN/g" -e "s/@NOW@/$NOW/g" \
  | $COMPOSE exec -T schema-registry kafka-avro-console-producer \
      --bootstrap-server kafka:9092 --topic photos.uploaded \
      --property schema.registry.url=http://localhost:8081 \
      --property value.schema="$SCHEMA" \
      --property parse.key=true --property 'key.separator=|' \
      --property key.serializer=org.apache.kafka.common.serialization.StringSerializer
echo "sent $(grep -vc '^#' sample-uploads.txt) uploads to photos.uploaded; orders:"
grep -v '^#' sample-uploads.txt | cut -d'|' -f1 | sort -u | sed -e "s/@RUN@/$RUN/g" -e 's/^/  /'
echo "status: curl localhost:8092/jobs/<order>"
