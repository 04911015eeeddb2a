# Storage: the S3 test server (s3rver) for the storage tests and the storage benchmark.
S3RVER_VERSION := 3.7.1
S3RVER_DIR := .tools/s3rver

.PHONY: s3rver bench-storage

# s3rver writes its XML under the namespace http://doc.s3.amazonaws.com/2006-03-01/, which the Minio SDK ignores
# (listing then silently returns nothing): rewrite it to the real S3 namespace. Idempotent.
ci-deps:: s3rver

s3rver: ## Install the S3 test server (npm s3rver) into .tools/s3rver, with its XML namespace fixed
	@if [ ! -f $(S3RVER_DIR)/node_modules/s3rver/package.json ] || \
	    ! grep -q '"version": "$(S3RVER_VERSION)"' $(S3RVER_DIR)/node_modules/s3rver/package.json; then \
	  mkdir -p $(S3RVER_DIR) && \
	  npm install --prefix $(S3RVER_DIR) --no-save --no-audit --no-fund --loglevel=error s3rver@$(S3RVER_VERSION) >/dev/null; \
	fi
	@sed -i 's#http://doc\.s3\.amazonaws\.com/2006-03-01/#http://s3.amazonaws.com/doc/2006-03-01/#g' \
	  $(S3RVER_DIR)/node_modules/s3rver/lib/controllers/*.js
	@! grep -rq 'doc\.s3\.amazonaws\.com' $(S3RVER_DIR)/node_modules/s3rver/lib/ || \
	  { echo "s3rver: the XML namespace fix did not apply" >&2; exit 1; }
	@echo "s3rver $(S3RVER_VERSION) ready in $(S3RVER_DIR)"
