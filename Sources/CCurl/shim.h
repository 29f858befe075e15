// libcurl (libcurl4-openssl-dev). curl_easy_setopt is variadic, which Swift cannot call, so these
// typed inline wrappers forward one argument type each.
#include <curl/curl.h>

static inline CURLcode millrace_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode millrace_curl_setopt_off(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode millrace_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode millrace_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode millrace_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

typedef size_t (*millrace_curl_data_callback)(char *buffer, size_t size, size_t count, void *userdata);

static inline CURLcode millrace_curl_setopt_data_callback(CURL *handle, CURLoption option, millrace_curl_data_callback value) {
    return curl_easy_setopt(handle, option, value);
}

// CURLOPT_SEEKFUNCTION lets libcurl rewind an upload body, e.g. when a reused connection turns
// out to be dead and the request is resent on a fresh one.
typedef int (*millrace_curl_seek_callback)(void *userdata, curl_off_t offset, int origin);

static inline CURLcode millrace_curl_setopt_seek_callback(CURL *handle, millrace_curl_seek_callback value) {
    return curl_easy_setopt(handle, CURLOPT_SEEKFUNCTION, value);
}
