#!/usr/bin/env bash
# Container smoke test (CI, needs a Docker engine): the gateway, inference and evaluation-worker images
# on one network with Redis and Postgres; inference serves the committed sentiment-lite model offline.
# Passes when the gateway's /health reports healthy with the model loaded, a prediction round-trips and
# the worker's own Docker health check turns healthy. Prints every container's logs on failure.
#   bash .github/scripts/container-smoke-test.sh <gateway image> <inference image> <worker image>
set -euo pipefail
gateway_image=$1 inference_image=$2 worker_image=$3
network=sentiment-smoke
containers=(smoke-redis smoke-postgres smoke-inference smoke-worker smoke-gateway)

cleanup() {
  status=$?
  if [ "$status" -ne 0 ]; then
    for name in "${containers[@]}"; do echo "::group::logs of $name"; docker logs "$name" 2>&1 | tail -n 200 || true; echo "::endgroup::"; done
  fi
  docker rm -f "${containers[@]}" >/dev/null 2>&1 || true
  docker network rm "$network" >/dev/null 2>&1 || true
  exit "$status"
}
trap cleanup EXIT

docker network create "$network" >/dev/null
docker run -d --name smoke-redis --network "$network" redis:7-alpine >/dev/null
docker run -d --name smoke-postgres --network "$network" -e POSTGRES_HOST_AUTH_METHOD=trust postgres:16-alpine >/dev/null
# The worker migrates the database at start and exits if it cannot: wait for both stores first.
for attempt in $(seq 1 30); do
  docker exec smoke-postgres pg_isready -q -U postgres && docker exec smoke-redis redis-cli ping >/dev/null 2>&1 && break
  [ "$attempt" -eq 30 ] && { echo "Redis or Postgres did not start"; exit 1; }
  sleep 1
done
common=(--network "$network" -e REDIS_URL=redis://smoke-redis:6379 -e LOG_FORMAT=json)
database=postgres://postgres@smoke-postgres:5432/sentiment_ops
docker run -d --name smoke-inference "${common[@]}" -e MODEL_ID=sentiment-lite -e HF_HUB_OFFLINE=1 -e INTRA_OP_THREADS=1 "$inference_image" >/dev/null
docker run -d --name smoke-worker "${common[@]}" -e DATABASE_URL="$database" "$worker_image" >/dev/null
docker run -d --name smoke-gateway "${common[@]}" -e DATABASE_URL="$database" -e AUTH_PUBLIC_PREDICT=true -p 8080:8080 "$gateway_image" >/dev/null

# /health answers 200 only when Redis, an inference replica (RPC ping) and the model are up.
for attempt in $(seq 1 60); do
  if body=$(curl -fsS --max-time 5 http://127.0.0.1:8080/health); then break; fi
  [ "$attempt" -eq 60 ] && { echo "gateway /health never answered 200"; exit 1; }
  sleep 2
done
echo "$body"
echo "$body" | grep -q '"status":"healthy"'
echo "$body" | grep -q '"name":"sentiment-lite"'

prediction=$(curl -fsS --max-time 10 http://127.0.0.1:8080/api/v1/sentiment -H 'content-type: application/json' -d '{"text":"I love this update"}')
echo "$prediction"
echo "$prediction" | grep -Eq '"sentiment":"(negative|neutral|positive)"'

# The images' own HEALTHCHECKs (node healthcheck.js, no curl in the images) must pass too.
for name in smoke-inference smoke-worker smoke-gateway; do
  for attempt in $(seq 1 45); do
    state=$(docker inspect --format '{{.State.Health.Status}}' "$name")
    [ "$state" = healthy ] && break
    [ "$attempt" -eq 45 ] && { echo "$name health check: $state"; exit 1; }
    sleep 2
  done
  echo "$name: healthy"
done
