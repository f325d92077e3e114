#!/bin/sh
# Creates every topic of the pipeline (the compose "topics" job, on the apache/kafka image). Idempotent:
# an existing topic is left as it is. The Strimzi KafkaTopics in deploy/k8s/base/topics.yaml declare the
# same topics, partitions and configs (TopicPlanTest in the cli module keeps both equal to the services'
# default topic names).
#
# Partitions: photos.* and headshots.jobs are keyed by order id (one order on one partition) and carry
# the upload volume: 12. The headshots events are a few per order: 6. Dead letters are rare: 3.
# Retention: events 7 days, archived events 30 days (downstream pipelines replay them), dead letters
# 30 days (time to fix and replay). No topic is compacted: they are events, not tables.
set -eu
BOOTSTRAP=${BOOTSTRAP_SERVERS:-kafka:9092}
REPLICATION=${REPLICATION_FACTOR:-1}
MIN_ISR=${MIN_INSYNC_REPLICAS:-1}
KAFKA_TOPICS=${KAFKA_TOPICS:-/opt/kafka/bin/kafka-topics.sh}

DAYS_7=604800000
DAYS_30=2592000000

# topic NAME PARTITIONS CONFIG=VALUE... (min.insync.replicas follows the replication factor: added here)
topic() {
  name=$1
  partitions=$2
  shift 2
  configs="--config min.insync.replicas=$MIN_ISR"
  for config in "$@"; do
    configs="$configs --config $config"
  done
  # shellcheck disable=SC2086 # $configs is a list of words without spaces
  "$KAFKA_TOPICS" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic "$name" \
    --partitions "$partitions" --replication-factor "$REPLICATION" $configs
}

topic photos.uploaded 12 cleanup.policy=delete retention.ms=$DAYS_7
topic photos.accepted 12 cleanup.policy=delete retention.ms=$DAYS_7
topic photos.retake 12 cleanup.policy=delete retention.ms=$DAYS_7
topic photos.uploaded.dlq 3 cleanup.policy=delete retention.ms=$DAYS_30
topic headshots.jobs 12 cleanup.policy=delete retention.ms=$DAYS_7
topic headshots.jobs.dlq 3 cleanup.policy=delete retention.ms=$DAYS_30
topic headshots.completed 6 cleanup.policy=delete retention.ms=$DAYS_7
topic headshots.completed.dlq 3 cleanup.policy=delete retention.ms=$DAYS_30
topic headshots.archived 6 cleanup.policy=delete retention.ms=$DAYS_30
topic runs.completed 6 cleanup.policy=delete retention.ms=$DAYS_7

"$KAFKA_TOPICS" --bootstrap-server "$BOOTSTRAP" --list
