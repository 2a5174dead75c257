// X.509 material for tests of CertificateSigningRequests, made once with openssl (an EC P-256
// key for CN=jane): real PEM, so that the server's checks meet what clients really send.

/** A PKCS#10 certificate signing request. */
export const requestPem = `-----BEGIN CERTIFICATE REQUEST-----
MIHZMIGAAgEAMB4xDTALBgNVBAMMBGphbmUxDTALBgNVBAoMBGRldnMwWTATBgcq
hkjOPQIBBggqhkjOPQMBBwNCAASbUXUNFvuQD6kfQN8KbSDn06p0e/AkkLjuREoH
lYS4agSVNaVgHb21sKfNiO3BFKZt5Dl/326pEgRpa10ndtnnoAAwCgYIKoZIzj0E
AwIDSAAwRQIgefY66SQYNRFtWQXRZYbJ8SBLmPijRdtB8rtBL9mI2DgCIQDqBdqm
/WMpz56iMZUYSBwtQjakBMKWSC+PGtLNbYKUcA==
-----END CERTIFICATE REQUEST-----
`;

/** A self-signed certificate. */
export const certificatePem = `-----BEGIN CERTIFICATE-----
MIIBdDCCARmgAwIBAgIUARdgM3IHWTM2LWIgbIumo5bX5R4wCgYIKoZIzj0EAwIw
DzENMAsGA1UEAwwEamFuZTAeFw0yNjExMjYyMjAwMTNaFw0yNjExMjcyMjAwMTNa
MA8xDTALBgNVBAMMBGphbmUwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAASZFseA
3IyPoKqfJjlOOg+55d62EJw6gL/AHGBfFfEm46tzEROIm5PKYXm7zi3oDJxklrpB
v2QxSFyMdH6YjZMAo1MwUTAdBgNVHQ4EFgQUNC0WbQYbUO/Dx3Xu6MDarNeM9n8w
HwYDVR0jBBgwFoAUNC0WbQYbUO/Dx3Xu6MDarNeM9n8wDwYDVR0TAQH/BAUwAwEB
/zAKBggqhkjOPQQDAgNJADBGAiEA66FBhvtEGvtSynjHEKH2pa5K9K0KjPOZasib
kWF2mvgCIQDP3AdvUfckLv6Vcktm6Y9yPeAvVxW1bVmRqhPjzxVjCw==
-----END CERTIFICATE-----
`;
