# The build stage's stand-in base: the runtime stand-in plus what compiling a native addon needs.
ARG BASE
FROM ${BASE}
RUN apt-get update && apt-get install -y --no-install-recommends g++ make python3 && rm -rf /var/lib/apt/lists/*
