/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The image verbs of `hull`: one file per verb in this directory, listed here. */
#include <stddef.h>

#include "cli/hull/hull.h"

int hull_verb_images(int argc, char **argv);
int hull_verb_import(int argc, char **argv);
int hull_verb_inspect(int argc, char **argv);
int hull_verb_load(int argc, char **argv);
int hull_verb_rmi(int argc, char **argv);
int hull_verb_save(int argc, char **argv);
int hull_verb_tag(int argc, char **argv);
int hull_verb_unpack(int argc, char **argv);

const hull_verb hull_image_verbs[] = {
        { "images", "[options]", "list the images in the store", hull_verb_images },
        { "import", "[options] DIR -t NAME[:TAG]", "commit a directory as an image", hull_verb_import },
        { "inspect", "[options] IMAGE...", "show an image's manifest, config and layers", hull_verb_inspect },
        { "tag", "SOURCE TARGET", "give an image another name", hull_verb_tag },
        { "rmi", "[options] IMAGE...", "remove images and collect unreferenced blobs", hull_verb_rmi },
        { "save", "[options] IMAGE...", "write images to an oci-archive or docker-archive", hull_verb_save },
        { "load", "[options]", "add the images of an archive to the store", hull_verb_load },
        { "unpack", "[options] IMAGE DIR", "write an image as an OCI runtime bundle", hull_verb_unpack },
        { NULL, NULL, NULL, NULL },
};
