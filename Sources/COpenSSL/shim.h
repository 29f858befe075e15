// OpenSSL's libcrypto (libssl-dev): SHA-256, HMAC and MD5 for SigV4 and S3 checksums.
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/crypto.h>
