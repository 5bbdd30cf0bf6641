# hostile: tries every bad input on vigil and checks what it gets back.
