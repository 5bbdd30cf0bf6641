# storm: virtio-rng interrupt storm with ITARGETSR rotation over all vCPUs.
