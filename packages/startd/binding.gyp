{
  "targets": [
    {
      "target_name": "job_spawn",
      "sources": ["native/job_spawn.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"]
    },
    {
      "target_name": "owner_rights",
      "sources": ["../schedd/native/owner_rights.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"]
    }
  ]
}
