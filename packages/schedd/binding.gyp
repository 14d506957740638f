{
  "targets": [
    {
      "target_name": "owner_rights",
      "sources": ["native/owner_rights.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"]
    }
  ]
}
