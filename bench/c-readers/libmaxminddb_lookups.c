/*
 * Lookup loop straight against libmaxminddb (the C library behind mmdblookup and python3-maxminddb):
 * MMDB_lookup_string, then the whole record decoded with MMDB_get_entry_data_list, as a reader that
 * returns the record must. Built by the benchmark when libmaxminddb-dev and a C compiler are present.
 *
 * Usage: libmaxminddb_lookups <database.mmdb> <addresses.txt> <rounds>
 * Prints one JSON object: lookups per second of each round, and how many addresses had a record.
 */
#include <maxminddb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static char *read_file(const char *path, size_t *length) {
  FILE *file = fopen(path, "rb");
  if (!file) return NULL;
  fseek(file, 0, SEEK_END);
  long size = ftell(file);
  fseek(file, 0, SEEK_SET);
  char *text = malloc((size_t)size + 1);
  if (!text || fread(text, 1, (size_t)size, file) != (size_t)size) {
    fclose(file);
    free(text);
    return NULL;
  }
  fclose(file);
  text[size] = '\0';
  *length = (size_t)size;
  return text;
}

/* 1 when the address has a record (decoded in full), 0 when not, -1 on an error. */
static int lookup(MMDB_s *mmdb, const char *address) {
  int gai_error = 0, mmdb_error = 0;
  MMDB_lookup_result_s result = MMDB_lookup_string(mmdb, address, &gai_error, &mmdb_error);
  if (gai_error != 0 || mmdb_error != MMDB_SUCCESS) return -1;
  if (!result.found_entry) return 0;
  MMDB_entry_data_list_s *record = NULL;
  int status = MMDB_get_entry_data_list(&result.entry, &record);
  MMDB_free_entry_data_list(record);
  return status == MMDB_SUCCESS ? 1 : -1;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s <database.mmdb> <addresses.txt> <rounds>\n", argv[0]);
    return 2;
  }
  MMDB_s mmdb;
  int status = MMDB_open(argv[1], MMDB_MODE_MMAP, &mmdb);
  if (status != MMDB_SUCCESS) {
    fprintf(stderr, "cannot open %s: %s\n", argv[1], MMDB_strerror(status));
    return 1;
  }
  size_t length = 0;
  char *text = read_file(argv[2], &length);
  if (!text) {
    fprintf(stderr, "cannot read %s\n", argv[2]);
    return 1;
  }
  size_t count = 0;
  for (size_t i = 0; i < length; i++) count += text[i] == '\n';
  char **addresses = malloc(sizeof(char *) * (count + 1));
  size_t n = 0;
  for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) addresses[n++] = line;

  for (size_t i = 0; i < n && i < 20000; i++) lookup(&mmdb, addresses[i]); /* warm-up */

  int rounds = atoi(argv[3]);
  long found = 0;
  printf("{\"lookupsPerSecond\":[");
  for (int round = 0; round < rounds; round++) {
    found = 0;
    double started = now_seconds();
    for (size_t i = 0; i < n; i++) {
      int outcome = lookup(&mmdb, addresses[i]);
      if (outcome < 0) {
        fprintf(stderr, "lookup failed\n");
        return 1;
      }
      found += outcome;
    }
    printf("%s%.1f", round ? "," : "", (double)n / (now_seconds() - started));
  }
  printf("],\"found\":%ld,\"version\":\"%s\"}\n", found, MMDB_lib_version());
  MMDB_close(&mmdb);
  free(addresses);
  free(text);
  return 0;
}
