{
  "targets": [
    {
      "target_name": "job_spawn",
      "sources": ["native/job_spawn.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"]
    }
  ]
}
