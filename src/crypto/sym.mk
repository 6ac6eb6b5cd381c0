# crypto, symmetric half: AES (bitsliced and AES-NI), AES-GCM (portable and PCLMULQDQ).
