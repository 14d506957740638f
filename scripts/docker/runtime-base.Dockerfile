# The runtime stand-in base: Debian bookworm (debootstrap minbase, imported) plus this machine's node and npm.
FROM tinycondor-base/bookworm-minbase
COPY usr/local /usr/local
COPY etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    npm_config_nodedir=/usr/local \
    NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
CMD ["node"]
