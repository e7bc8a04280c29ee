//! Fixed-size maps with one value per key of a small closed enum.
//!
//! Results are always "one value per aspect" (or per signal). A bare array
//! indexed with `as usize` is easy to misuse and a `HashMap` can miss keys;
//! `KeyedArray` keeps the speed of an array while the type guarantees that
//! every key has a value. It serialises as a JSON object keyed by the stable
//! keys, e.g. `{"werkwijze": …, "sterke_punten": …}`.

use std::fmt;
use std::marker::PhantomData;
use std::ops::{Index, IndexMut};

use serde::ser::{Serialize, SerializeMap, Serializer};

use super::aspect::{Aspect, Signal};

/// A closed enum with exactly `N` variants, each with a position and a stable key.
pub trait EnumKey<const N: usize>: Copy + 'static {
    /// All variants, in display order; `ALL[k.index()] == k`.
    const ALL: [Self; N];
    /// Position of the variant in [`EnumKey::ALL`].
    fn index(self) -> usize;
    /// Stable key used in the database, URLs, forms and JSON.
    fn key(self) -> &'static str;
}

/// One `T` for every variant of `K`.
pub struct KeyedArray<K, T, const N: usize> {
    values: [T; N],
    key: PhantomData<K>,
}

/// One value per [`Aspect`].
pub type PerAspect<T> = KeyedArray<Aspect, T, 5>;
/// One value per [`Signal`].
pub type PerSignal<T> = KeyedArray<Signal, T, 3>;

impl<K: EnumKey<N>, T, const N: usize> KeyedArray<K, T, N> {
    /// Builds the map by calling `f` once per key, in [`EnumKey::ALL`] order.
    pub fn from_fn(mut f: impl FnMut(K) -> T) -> Self {
        Self::from_array(std::array::from_fn(|i| f(K::ALL[i])))
    }

    /// Wraps an array whose positions follow [`EnumKey::ALL`].
    pub fn from_array(values: [T; N]) -> Self {
        Self {
            values,
            key: PhantomData,
        }
    }

    /// The values, in [`EnumKey::ALL`] order.
    pub fn values(&self) -> &[T; N] {
        &self.values
    }

    /// `(key, value)` pairs in [`EnumKey::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (K, &T)> {
        K::ALL.into_iter().zip(self.values.iter())
    }

    /// A new map with `f` applied to every entry.
    pub fn map<U>(&self, mut f: impl FnMut(K, &T) -> U) -> KeyedArray<K, U, N> {
        KeyedArray::from_fn(|k| f(k, &self.values[k.index()]))
    }
}

impl<K: EnumKey<N>, T, const N: usize> Index<K> for KeyedArray<K, T, N> {
    type Output = T;
    fn index(&self, key: K) -> &T {
        &self.values[key.index()]
    }
}

impl<K: EnumKey<N>, T, const N: usize> IndexMut<K> for KeyedArray<K, T, N> {
    fn index_mut(&mut self, key: K) -> &mut T {
        &mut self.values[key.index()]
    }
}

// Manual impls: derives would wrongly demand `K: Default`/`K: Clone` bounds
// through the `PhantomData`.
impl<K, T: Clone, const N: usize> Clone for KeyedArray<K, T, N> {
    fn clone(&self) -> Self {
        Self {
            values: self.values.clone(),
            key: PhantomData,
        }
    }
}

impl<K, T: Copy, const N: usize> Copy for KeyedArray<K, T, N> {}

impl<K, T: PartialEq, const N: usize> PartialEq for KeyedArray<K, T, N> {
    fn eq(&self, other: &Self) -> bool {
        self.values == other.values
    }
}

impl<K, T: Eq, const N: usize> Eq for KeyedArray<K, T, N> {}

impl<K: EnumKey<N>, T: Default, const N: usize> Default for KeyedArray<K, T, N> {
    fn default() -> Self {
        Self::from_fn(|_| T::default())
    }
}

impl<K: EnumKey<N>, T: fmt::Debug, const N: usize> fmt::Debug for KeyedArray<K, T, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.iter().map(|(k, v)| (k.key(), v)))
            .finish()
    }
}

impl<K: EnumKey<N>, T: Serialize, const N: usize> Serialize for KeyedArray<K, T, N> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(N))?;
        for (k, v) in self.iter() {
            map.serialize_entry(k.key(), v)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_follows_all_order() {
        let map = PerAspect::from_fn(|a| a.key().len());
        for a in Aspect::ALL {
            assert_eq!(map[a], a.key().len());
        }
        let keys: Vec<_> = map.iter().map(|(a, _)| a).collect();
        assert_eq!(keys, Aspect::ALL.to_vec());
    }

    #[test]
    fn index_mut_and_map() {
        let mut map: PerSignal<u32> = PerSignal::default();
        map[Signal::IntentionToLeave] = 3;
        let doubled = map.map(|_, v| v * 2);
        assert_eq!(doubled[Signal::IntentionToLeave], 6);
        assert_eq!(doubled[Signal::Fatigue], 0);
    }
}
