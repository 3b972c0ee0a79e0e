#!/bin/bash
# Makes a throw-away CA, a server certificate for 127.0.0.1/localhost and a client certificate in DIR
# (ca.crt, server.crt/.key, client.crt/.key), valid for 2 days. usage: bench/make_test_certs.sh DIR
set -eu
cd "$1"
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj /CN=corvid-test-ca 2>/dev/null
echo "subjectAltName=IP:127.0.0.1,DNS:localhost" >ext
for n in server client; do
  openssl req -newkey rsa:2048 -nodes -keyout $n.key -out $n.csr -subj /CN=$n 2>/dev/null
  openssl x509 -req -in $n.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out $n.crt -days 2 -extfile ext 2>/dev/null
done
